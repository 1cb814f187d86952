#!/usr/bin/env python3
"""M5 — cirrus-shell frame time while swiping home-screen pages.

Runs cirrus-compositor (headless, pixman) with the real cirrus-shell, the
shell pinned to one core with taskset and the compositor to another, with a
private registry holding the bundled apps plus generated ones (enough for 3+
pages), and swipes the pages back and forth through the control socket's
`swipe` command. The shell writes one line per frame it draws
(CIRRUS_SHELL_FRAME_LOG: buffer, draw, attach, damage, commit; wall and
thread-CPU time). Prints a Markdown table per size. There is no peer
(docs/ARCHITECTURE.md, Benchmarks).
"""

import argparse
import math
import os
import sys
import time

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402
import shelllib as sl  # noqa: E402

GOAL_MS = 8.0
GOAL = f"Goal: frame time p99 ≤ {GOAL_MS:g} ms with the shell on one core."

STATUS_BAR_HEIGHT = 24  # shell/home_layout.hpp


def lround(v):
    return int(math.floor(v + 0.5))


def home_grid(width, height):
    """The grid of shell/home_layout.cpp compute_geometry (only to know how
    many pages there are and where to swipe): (columns, rows, grid box)."""
    u = min(max(min(width, height) / 480.0, 0.6), 1.5)
    dock_h = lround(96 * u)
    dots_h = lround(20 * u)
    pad_x = lround(4 * u)
    pad_top = lround(8 * u)
    dots_y = height - dock_h - dots_h
    grid_top = STATUS_BAR_HEIGHT + pad_top
    gw = max(width - 2 * pad_x, 1)
    gh = max(dots_y - grid_top, 1)
    cols = min(max(int(gw / (112 * u)), 3), 8)
    rows = min(max(int(gh / (124 * u)), 1), 8)
    return cols, rows, (pad_x, grid_top, gw, gh)


def parse_size(text):
    """'720x1440' or '720x1440@2' -> (size, scale or None)."""
    size, _, scale = text.partition("@")
    w, _, h = size.partition("x")
    if not (w.isdigit() and h.isdigit()):
        raise bl.BenchError(f"bad size {text!r} (WxH or WxH@SCALE)")
    return size, (float(scale) if scale else None)


def pin_tasks(pid, cpus):
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return
    for tid in tids:
        try:
            os.sched_setaffinity(int(tid), cpus)
        except OSError:
            pass


def allowed_cpus(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Cpus_allowed_list:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def run_once(args, user, appdata, size_text, run_index):
    size, scale = parse_size(size_text)
    prefix = f"taskset -c {args.shell_cpu}" if args.shell_cpu != "none" else ""
    comp = sl.CirrusShell(user, args.cirrus_path, args.shell_path, appdata, size=size, scale=scale,
                          shell_prefix=prefix, frame_log=True)
    comp.start()
    try:
        comp.wait_ready()
        if args.compositor_cpu != "none":
            pin_tasks(comp.pid, {int(c) for c in args.compositor_cpu.split(",")})
        comp.wait_shell_mapped()
        shell_pid = comp.shell_pid()
        if args.shell_nice and shell_pid:
            try:  # nice is per thread on Linux
                for tid in os.listdir(f"/proc/{shell_pid}/task"):
                    os.setpriority(os.PRIO_PROCESS, int(tid), args.shell_nice)
            except OSError as e:
                raise bl.BenchError(f"cannot renice the shell to {args.shell_nice}: {e}")
        out = comp.control({"cmd": "outputs"})["outputs"][0]
        lw, lh = out["width"], out["height"]
        refresh_ms = 1e6 / out["refresh_mhz"] if out.get("refresh_mhz") else 1000 / 60
        cols, rows, (gx, gy, gw, gh) = home_grid(lw, lh)
        n_apps = appdata.count or 0
        pages = max(1, -(-n_apps // (cols * rows)))
        time.sleep(args.settle_ms / 1000.0)

        y = gy + gh * 0.5
        x_right, x_left = lw * 0.75, lw * 0.75 - lw * args.swipe_fraction
        page, forward = 0, True
        starts = []
        frames0 = comp.frames()
        load0 = loadavg()
        total = args.warmup_swipes + args.swipes
        t_end = None
        for i in range(total):
            if pages > 1:
                if forward and page == pages - 1:
                    forward = False
                elif not forward and page == 0:
                    forward = True
            x1, x2 = (x_right, x_left) if forward else (x_left, x_right)
            t0 = time.monotonic()
            if i == args.warmup_swipes:
                frames0 = comp.frames()
            if i >= args.warmup_swipes:
                starts.append(int(t0 * 1e6))
            r = comp.control({"cmd": "swipe", "x1": x1, "y1": y, "x2": x2, "y2": y,
                              "ms": args.swipe_ms, "steps": args.steps},
                             timeout=10 + args.swipe_ms / 1000)
            if not r.get("ok"):
                raise bl.BenchError(f"swipe failed: {r}")
            if pages > 1:
                page += 1 if forward else -1
            time.sleep(args.settle_ms / 1000.0)
        t_end = int(time.monotonic() * 1e6)
        frames1 = comp.frames()
        comp.check_alive()
        if comp.shell_pid() != shell_pid:
            raise bl.BenchError("the shell restarted during the run (see the compositor log)")
        pinned = allowed_cpus(shell_pid) if shell_pid else "?"
        log = [f for f in comp.frame_log() if f[0] == "cirrus-home"]
    finally:
        comp.stop()

    # Frames of each swipe: from its start to the next one's.
    bounds = starts + [t_end]
    walls, cpus, dropped, animated_us, animated_frames = [], [], 0, 0, 0
    per_swipe = []
    for a, b in zip(bounds, bounds[1:]):
        seg = [f for f in log if a <= f[1] < b]
        per_swipe.append(len(seg))
        walls += [f[2] / 1000 for f in seg]
        cpus += [f[3] / 1000 for f in seg]
        commits = [f[1] + f[2] for f in seg]
        for c0, c1 in zip(commits, commits[1:]):
            gap = (c1 - c0) / 1000
            if gap > 1.5 * refresh_ms:
                dropped += max(1, lround(gap / refresh_ms) - 1)
        if len(commits) > 1:
            animated_us += commits[-1] - commits[0]
            animated_frames += len(commits) - 1
    if not walls:
        raise bl.BenchError(f"{size_text}: the shell logged no home-screen frames while swiping "
                            f"(is {args.shell_path} built with CIRRUS_SHELL_FRAME_LOG?)")
    return {
        "size": size_text, "logical": f"{lw}x{lh}", "buffer": f"{lw * (int(math.ceil(scale)) if scale else 1)}x"
                                                            f"{lh * (int(math.ceil(scale)) if scale else 1)}",
        "pages": pages, "grid": f"{cols}x{rows}", "swipes": len(starts), "walls": walls, "cpus": cpus,
        "dropped": dropped, "refresh_ms": refresh_ms,
        "fps": animated_frames / (animated_us / 1e6) if animated_us else None,
        "compositor_frames": frames1 - frames0, "per_swipe": per_swipe, "pinned": pinned,
        "load": f"{load0} → {loadavg()}", "run": run_index,
    }


def main():
    ap = argparse.ArgumentParser(
        description="M5: cirrus-shell frame time (p50/p99) and dropped frames while swiping home "
                    "pages, headless pixman, the shell pinned to one core.")
    ap.add_argument("--build-dir", default=bl.DEFAULT_BUILD,
                    help=f"meson build dir (default: {bl.DEFAULT_BUILD})")
    ap.add_argument("--cirrus", help="cirrus-compositor (default: BUILD/compositor/cirrus-compositor)")
    ap.add_argument("--shell", help="cirrus-shell (default: BUILD/shell/cirrus-shell)")
    ap.add_argument("--cli", help="the cirrus CLI (default: BUILD/launcher/cirrus)")
    ap.add_argument("--sizes", default="480x800,720x1440",
                    help="output sizes, WxH or WxH@SCALE, comma-separated (default 480x800,720x1440)")
    ap.add_argument("--apps", type=int, default=66,
                    help="apps installed in all: the bundled ones, then generated ones "
                         "(default 66: 4 pages at 480x800, 3 at 720x1440)")
    ap.add_argument("--runs", type=int, default=3, help="fresh compositor + shell runs per size "
                    "(default 3); percentiles are over all their frames")
    ap.add_argument("--swipes", type=int, default=40, help="measured swipes per run (default 40)")
    ap.add_argument("--warmup-swipes", type=int, default=2, help="unmeasured swipes first (default 2)")
    ap.add_argument("--swipe-ms", type=int, default=200, help="duration of a swipe (default 200)")
    ap.add_argument("--steps", type=int, default=25,
                    help="motion events per swipe (default 25: one per 8 ms, a 125 Hz panel)")
    ap.add_argument("--swipe-fraction", type=float, default=0.4,
                    help="swipe length as a fraction of the width (default 0.4: a flick)")
    ap.add_argument("--settle-ms", type=int, default=500,
                    help="pause after each swipe for the page to settle (default 500; the settle "
                         "animation lasts at most 300 ms)")
    ap.add_argument("--shell-cpu", default="1", help="core for the shell (taskset -c), or 'none'")
    ap.add_argument("--shell-nice", type=int, default=0,
                    help="renice the shell to this value once it runs (e.g. -10, as root: "
                         "closer to a core of its own on a shared machine; default 0: unchanged)")
    ap.add_argument("--compositor-cpu", default="0",
                    help="core(s) for the compositor (sched_setaffinity), or 'none'")
    ap.add_argument("--user", default="nobody",
                    help="when run as root, run the compositor as this user; 'self' to stay root")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    if args.swipes < 1 or args.runs < 1:
        ap.error("--swipes and --runs must be >= 1")

    user = bl.target_user(args.user)
    args.cirrus_path = bl.check_cirrus(os.path.abspath(args.cirrus or bl.default_cirrus(args.build_dir)))
    args.shell_path = os.path.abspath(args.shell or sl.default_shell(args.build_dir))
    if not sl.check_shell(args.shell_path):
        raise bl.BenchError(f"{args.shell_path} has no CIRRUS_SHELL_FRAME_LOG hook: rebuild it")
    for p in (args.cirrus_path, args.shell_path):
        bl.check_readable_by(p, user)
    appdata = sl.AppData(os.path.abspath(args.cli or sl.default_cli(args.build_dir)), args.apps)

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    results = {s: [] for s in sizes}
    for run in range(args.runs):
        for s in sizes:
            bl.log(f"run {run + 1}/{args.runs}, {s}: {args.warmup_swipes}+{args.swipes} swipes "
                   f"(load {loadavg()})")
            r = run_once(args, user, appdata, s, run)
            results[s].append(r)
            if args.verbose:
                bl.log(f"  frames/swipe {r['per_swipe']}; shell cpus {r['pinned']}; "
                       f"p99 {sl.percentile(r['walls'], 99):.2f} ms; dropped {r['dropped']}")

    ncpu = os.cpu_count()
    print(f"## M5 — shell frame time while swiping home pages (headless, pixman; "
          f"{args.runs} run(s) × {args.swipes} swipes per size)\n")
    print("| output (scale) | buffer px | grid, pages | frames | frame time p50 ms | p99 ms | "
          "max ms | p99 per run ms | CPU p50 ms | CPU p99 ms | dropped frames | fps while animating |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    status = 0
    verdicts = []
    for s in sizes:
        rs = results[s]
        walls = [w for r in rs for w in r["walls"]]
        cpus = [c for r in rs for c in r["cpus"]]
        p99 = sl.percentile(walls, 99)
        per_run = ", ".join(f"{sl.percentile(r['walls'], 99):.2f}" for r in rs)
        fps = sl.medians([r["fps"] for r in rs])
        size, scale = parse_size(s)
        print(f"| {size} ({scale or 1:g}) | {rs[0]['buffer']} | {rs[0]['grid']}, {rs[0]['pages']} | "
              f"{len(walls)} | {sl.percentile(walls, 50):.2f} | {p99:.2f} | {max(walls):.2f} | "
              f"{per_run} | {sl.percentile(cpus, 50):.2f} | {sl.percentile(cpus, 99):.2f} | "
              f"{sum(r['dropped'] for r in rs)} | {bl.fmt(fps, 1)} |")
        ok = p99 <= GOAL_MS
        verdicts.append(f"{s} p99 {p99:.2f} ms {'≤' if ok else '>'} {GOAL_MS:g}")
        if not ok:
            status = 2
    print()
    print(GOAL)
    print(f"Result: {'MET' if status == 0 else 'NOT MET'} — " + "; ".join(verdicts) + ".")
    print()
    r0 = results[sizes[0]][0]
    print(f"Frame time: wall time in cirrus-shell from taking a buffer to wl_surface.commit "
          f"(draw, attach, damage, commit), of the home surface's frames while swiping and settling "
          f"(CIRRUS_SHELL_FRAME_LOG); CPU = the shell thread's CPU time over the same span. "
          f"Shell pinned to CPU {r0['pinned']} (taskset), nice {args.shell_nice}, compositor to "
          f"CPU {args.compositor_cpu}; "
          f"{ncpu} cores. Dropped frames: for each gap between two consecutive commits of one "
          f"swipe (finger down to the end of the settle) longer than 1.5 × the refresh period "
          f"({r0['refresh_ms']:.2f} ms), the refresh periods it skipped; fps while animating = "
          f"commits / time from the first to the last commit of each swipe. Swipes: "
          f"{args.swipe_fraction:g} of the width in {args.swipe_ms} ms with {args.steps} motion "
          f"events, back and forth over all pages, {args.settle_ms} ms apart; "
          f"{appdata.count} apps installed.")
    print()
    over = []
    for s in sizes:
        rs = results[s]
        n_over = sum(1 for r in rs for w in r["walls"] if w > r["refresh_ms"])
        over.append(f"{s}: {n_over}")
    print("Shell frames longer than one refresh period (frames the shell itself made late): "
          + ", ".join(over) + ". The headless backend re-arms its frame timer only after the "
          "compositor has handled a frame, so its frame period is 16.67 ms plus the "
          "compositor's render time (hence under 60 frames a second where that render is slow).")
    print()
    print("Load average (1/5/15 min) during the runs: " + "; ".join(
        f"{s} run {r['run'] + 1}: {r['load']}" for s in sizes for r in results[s]) + ".")
    return status


if __name__ == "__main__":
    bl.run_main(main)
