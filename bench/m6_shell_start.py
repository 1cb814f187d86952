#!/usr/bin/env python3
"""M6 — compositor start to the first complete home-screen frame on screen:
cirrus-compositor + cirrus-shell beside phoc + phosh, in the same invocation.

Each stack starts alone (one at a time, alternating, -n rounds), headless
with the pixman renderer at 480x800, with bench/screen_probe started by the
compositor itself (Cirrus: --trusted; phoc: its -E session command, before
phosh). The probe reads back every output frame the compositor commits with
new damage (wlr-screencopy copy_with_damage) and logs its timestamp (the
output commit, CLOCK_MONOTONIC) and a 24x40-cell colour signature. The first
complete frame is the first one whose signature matches the settled screen
(any frame of the last second of the watch) in all but 1% of its cells: so a
half-drawn screen (wallpaper without the status bar, a panel without the lock
screen) does not count. Time zero is the exec of the compositor.
"""

import argparse
import os
import sys
import time

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402
import shelllib as sl  # noqa: E402

GOAL_FACTOR = 5.0
GOAL = f"Goal: at least {GOAL_FACTOR:g} times faster than phoc + phosh (medians)."


def first_complete(frames, watch_end_ns, settle_window_ns, threshold):
    """ready_ns of the first frame matching the settled screen, or None.
    The settled screen: the frames of the watch's last settle_window_ns, or,
    when the screen did not change then, the last frame before."""
    if not frames:
        return None, None
    settled = [sig for t, sig in frames if t >= watch_end_ns - settle_window_ns] or [frames[-1][1]]
    for i, (t, sig) in enumerate(frames):
        if min(sl.cells_differing(sig, ref) for ref in settled) <= threshold:
            return t, {"count": len(frames), "index": i, "frames": frames, "settled": settled[-1]}
    return None, {"count": len(frames), "index": None, "frames": frames, "settled": settled[-1]}


def run_cirrus(args, user, appdata):
    comp = sl.CirrusShell(user, args.cirrus_path, args.shell_path, appdata, frame_log=True)
    frames_path = os.path.join(comp.runtime_dir, "probe-frames.txt")
    probe_cmd = f"exec {args.probe_path} --frames {frames_path}"
    comp.start(["--trusted", probe_cmd])
    t0 = comp.start_time
    try:
        time.sleep(args.watch)
        watch_end = time.monotonic()
        comp.check_alive()
        log = comp.frame_log()
        connected, frames = sl.probe_frames(frames_path)
    finally:
        comp.stop()
    home = [f for f in log if f[0] == "cirrus-home"]
    bar = [f for f in log if f[0] == "cirrus-status-bar"]
    t_done, n = first_complete(frames, int(watch_end * 1e9), int(args.settle_window * 1e9),
                               args.threshold)
    return {
        "complete": None if t_done is None else t_done / 1e9 - t0,
        "connected": None if connected is None else connected / 1e9 - t0,
        "home_commit": (home[0][1] + home[0][2]) / 1e6 - t0 if home else None,
        "bar_commit": (bar[0][1] + bar[0][2]) / 1e6 - t0 if bar else None,
        "frames": n["count"] if n else 0, "detail": n,
        "upper_bound": bool(n) and n["index"] == 0,
    }


def run_phosh(args, user, phoc, phosh):
    comp = sl.Phosh(user, phoc, phosh, args.probe_path)
    comp.frames_path = os.path.join(comp.runtime_dir, "probe-frames.txt")
    comp.start()
    t0 = comp.start_time
    try:
        time.sleep(args.watch_phosh)
        watch_end = time.monotonic()
        comp.check_alive()
        names = sorted({bl.proc_name(p) for p in comp.tree()})
        connected, frames = sl.probe_frames(comp.frames_path)
    finally:
        comp.stop()
    if "phosh" not in names:
        raise bl.BenchError(f"phosh is not running under phoc (processes: {names}); log:\n"
                            f"{comp.log_tail()}")
    t_done, n = first_complete(frames, int(watch_end * 1e9), int(args.settle_window * 1e9),
                               args.threshold)
    return {
        "complete": None if t_done is None else t_done / 1e9 - t0,
        "connected": None if connected is None else connected / 1e9 - t0,
        "frames": n["count"] if n else 0, "detail": n,
        "upper_bound": bool(n) and n["index"] == 0,
    }


def save_frames(directory, which, detail):
    if not detail:
        return
    os.makedirs(directory, exist_ok=True)
    frames, i = detail["frames"], detail["index"]
    sl.write_signature_png(os.path.join(directory, f"{which}-settled.png"), detail["settled"])
    if i is not None:
        sl.write_signature_png(os.path.join(directory, f"{which}-first-complete.png"), frames[i][1])
        if i > 0:
            sl.write_signature_png(os.path.join(directory, f"{which}-before.png"), frames[i - 1][1])
    bl.log(f"{which}: frames saved in {directory}")


def fmt_s(v):
    return "—" if v is None else f"{v:.3f}"


def main():
    ap = argparse.ArgumentParser(
        description="M6: compositor start to the first complete home-screen frame, Cirrus "
                    "(compositor + shell) beside phoc + phosh, headless pixman 480x800.")
    ap.add_argument("--build-dir", default=bl.DEFAULT_BUILD,
                    help=f"meson build dir (default: {bl.DEFAULT_BUILD})")
    ap.add_argument("--cirrus", help="cirrus-compositor (default: BUILD/compositor/cirrus-compositor)")
    ap.add_argument("--shell", help="cirrus-shell (default: BUILD/shell/cirrus-shell)")
    ap.add_argument("--cli", help="the cirrus CLI (default: BUILD/launcher/cirrus)")
    ap.add_argument("--probe", help="screen_probe (default: BUILD/bench/screen_probe)")
    ap.add_argument("--apps", type=int, default=20,
                    help="apps installed in all: the bundled ones, then generated ones "
                         "(default 20: one full page at 480x800)")
    ap.add_argument("-n", "--rounds", type=int, default=5,
                    help="rounds; each starts both stacks once, one after the other (default 5)")
    ap.add_argument("--watch", type=float, default=3.0,
                    help="how long Cirrus is watched after its start, s (default 3)")
    ap.add_argument("--watch-phosh", type=float, default=8.0,
                    help="how long phoc + phosh are watched after their start, s (default 8)")
    ap.add_argument("--settle-window", type=float, default=1.0,
                    help="the settled screen = any frame of the watch's last S seconds (default 1)")
    ap.add_argument("--threshold", type=float, default=0.01,
                    help="a frame is complete when at most this fraction of cells differ from "
                         "the settled screen (default 0.01)")
    ap.add_argument("--no-minute-align", action="store_true",
                    help="do not wait, when needed, so that each watch stays inside one "
                         "wall-clock minute (a clock changing minute changes the settled screen)")
    ap.add_argument("--user", default="nobody",
                    help="when run as root, run the compositors as this user; 'self' to stay root")
    ap.add_argument("--no-phosh", action="store_true", help="measure Cirrus alone")
    ap.add_argument("--no-install", action="store_true",
                    help="do not apt-get install phoc/phosh when missing (skip the peer)")
    ap.add_argument("--save-frames", metavar="DIR",
                    help="write the first round's first complete frame, the frame before it and "
                         "the settled screen of each stack as PNGs (24x40 cells) to DIR")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    if args.rounds < 1:
        ap.error("--rounds must be >= 1")

    user = bl.target_user(args.user)
    args.cirrus_path = bl.check_cirrus(os.path.abspath(args.cirrus or bl.default_cirrus(args.build_dir)))
    args.shell_path = os.path.abspath(args.shell or sl.default_shell(args.build_dir))
    args.probe_path = os.path.abspath(args.probe or os.path.join(args.build_dir, "bench", "screen_probe"))
    bl.require_executable(args.probe_path, "screen_probe",
                          "build it (ninja -C BUILD bench/screen_probe) or pass --probe PATH")
    sl.check_shell(args.shell_path)
    for p in (args.cirrus_path, args.shell_path, args.probe_path):
        bl.check_readable_by(p, user)
    peer = None if args.no_phosh else sl.ensure_phosh(install=not args.no_install)
    appdata = sl.AppData(os.path.abspath(args.cli or sl.default_cli(args.build_dir)), args.apps)

    res = {"cirrus": [], "phosh": []}
    for i in range(args.rounds):
        order = ["cirrus", "phosh"] if i % 2 == 0 else ["phosh", "cirrus"]
        for which in order:
            if which == "phosh" and not peer:
                continue
            time.sleep(0.5)  # let the previous stack's exit settle
            # A clock changing minute during the watch would change the settled screen.
            sl.wait_for_minute_room((args.watch if which == "cirrus" else args.watch_phosh) + 1,
                                    not args.no_minute_align)
            r = run_cirrus(args, user, appdata) if which == "cirrus" else \
                run_phosh(args, user, *peer)
            res[which].append(r)
            if args.save_frames and i == 0:
                save_frames(args.save_frames, which, r["detail"])
            bl.log(f"round {i + 1}/{args.rounds} {which}: complete {fmt_s(r['complete'])} s "
                   f"({r['frames']} frames captured; probe connected at {fmt_s(r['connected'])} s)")

    print(f"## M6 — start to the first complete home-screen frame ({bl.WIDTH}x{bl.HEIGHT}, headless, "
          f"pixman; {args.rounds} rounds)\n")
    print("| stack | first complete frame: median s | min s | max s | probe connected (median) s "
          "| shell's first commit (median) s | rounds |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    med = {}
    for which, label in (("cirrus", "cirrus-compositor + cirrus-shell"),
                         ("phosh", "phoc + phosh (lock screen)")):
        rs = res[which]
        if not rs:
            continue
        done = [r["complete"] for r in rs if r["complete"] is not None]
        med[which] = sl.medians(done)
        commit = "—"
        if which == "cirrus":
            commit = f"{fmt_s(sl.medians([r['home_commit'] for r in rs]))} (home), " \
                     f"{fmt_s(sl.medians([r['bar_commit'] for r in rs]))} (bar)"
        print(f"| {label} | {fmt_s(med[which])} | {fmt_s(min(done) if done else None)} | "
              f"{fmt_s(max(done) if done else None)} | "
              f"{fmt_s(sl.medians([r['connected'] for r in rs]))} | {commit} | "
              f"{len(done)}/{len(rs)} |")
    print()
    bounds = [w for w in ("cirrus", "phosh") for r in res[w] if r["upper_bound"]]
    if bounds:
        print(f"Note: in {len(bounds)} run(s) ({', '.join(sorted(set(bounds)))}) the first frame "
              "the probe captured was already complete, so that time is an upper bound.\n")
    print(GOAL)
    status = 0
    if med.get("cirrus") and med.get("phosh"):
        factor = med["phosh"] / med["cirrus"]
        ok = factor >= GOAL_FACTOR
        print(f"Result: {'MET' if ok else 'NOT MET'} — Cirrus {med['cirrus']:.3f} s vs phoc + phosh "
              f"{med['phosh']:.3f} s: {factor:.1f} times faster.")
        status = 0 if ok else 2
    elif med.get("cirrus"):
        print(f"Result: no peer run; Cirrus {med['cirrus']:.3f} s.")
    else:
        print("Result: NOT MET — Cirrus never showed a complete home screen.")
        status = 2
    print()
    print("Method: time zero = exec of the compositor (cirrus-compositor; for the peer "
          "dbus-run-session, which starts the session bus and then phoc). The compositor itself "
          "starts bench/screen_probe (Cirrus: --trusted; phoc: in its -E command, just before "
          "phosh, also giving phoc the seat phosh needs). The probe reads back each output frame "
          "committed with new damage (wlr-screencopy copy_with_damage) and logs the frame's "
          "timestamp (wlroots' output commit, CLOCK_MONOTONIC; on the headless backend the commit "
          "is the presentation) and a 24x40-cell colour signature. \"First complete frame\" = the "
          f"first frame that differs from the settled screen (any frame of the last "
          f"{args.settle_window:g} s of the watch) in at most {args.threshold:.0%} of the cells "
          "(per-channel tolerance 12): the home screen with its status bar for Cirrus, phosh's "
          "lock screen with its top bar for the peer (phosh starts locked; it is the first screen "
          "it shows). \"Shell's first commit\" = when cirrus-shell committed its first home and "
          "status-bar buffers (CIRRUS_SHELL_FRAME_LOG). phosh runs with the environment of its "
          "session (XDG_CURRENT_DESKTOP=Phosh:GNOME, default GSettings backend, accessibility "
          "bus allowed); Debian's phosh finds no wallpaper file here (gnome-backgrounds is not "
          "installed) and draws a black background.")
    print()
    print(f"Apps installed for Cirrus: {appdata.count}. Stacks run one at a time, alternating "
          f"which goes first.")
    return status


if __name__ == "__main__":
    bl.run_main(main)
