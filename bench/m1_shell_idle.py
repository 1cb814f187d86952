#!/usr/bin/env python3
"""M1 for the pair — idle cost of cirrus-compositor + cirrus-shell beside
phoc + phosh (headless, pixman, 480x800), both started at the same time.

After --warmup s: memory = summed Pss (/proc/PID/smaps_rollup) over each
stack's process tree; then over --seconds of idle (no input, nothing
animating on Cirrus' side, the clock not changing minute: the window is
placed inside one wall-clock minute) the CPU time and wake-ups of each
process, and the frames Cirrus rendered. Prints a Markdown table, a
per-process breakdown and, for Cirrus, where the PSS is (smaps).
"""

import argparse
import datetime
import os
import sys
import time

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402
import shelllib as sl  # noqa: E402

GOAL_MIB = 25.0
GOAL = (f"Goal: compositor + shell ≤ {GOAL_MIB:g} MiB summed PSS and no CPU while idle "
        "(the shell at 0; the compositor at the headless backend's 60 Hz timer floor, "
        "the same as the bare compositor in M1).")


def snapshot(comp):
    """{pid: (name, cpu_ns, ctx)} over the stack's process tree."""
    return {p: (bl.proc_name(p), bl.cpu_ns(p), bl.ctx_switches(p)) for p in comp.tree()}


def main():
    ap = argparse.ArgumentParser(
        description="M1 for the pair: idle PSS and CPU of cirrus-compositor + cirrus-shell beside "
                    "phoc + phosh, headless pixman 480x800, run side by side.")
    ap.add_argument("--build-dir", default=bl.DEFAULT_BUILD,
                    help=f"meson build dir (default: {bl.DEFAULT_BUILD})")
    ap.add_argument("--cirrus", help="cirrus-compositor (default: BUILD/compositor/cirrus-compositor)")
    ap.add_argument("--shell", help="cirrus-shell (default: BUILD/shell/cirrus-shell)")
    ap.add_argument("--cli", help="the cirrus CLI (default: BUILD/launcher/cirrus)")
    ap.add_argument("--probe", help="screen_probe, phoc's seat (default: BUILD/bench/screen_probe)")
    ap.add_argument("--apps", type=int, default=20,
                    help="apps installed in all: the bundled ones, then generated ones "
                         "(default 20: one full page at 480x800)")
    ap.add_argument("--warmup", type=float, default=10.0,
                    help="start to the PSS sample and the window, s (default 10)")
    ap.add_argument("--seconds", type=float, default=30.0, help="idle window, s (default 30)")
    ap.add_argument("--no-minute-align", action="store_true",
                    help="do not wait for a window inside one wall-clock minute")
    ap.add_argument("--user", default="nobody",
                    help="when run as root, run the compositors as this user; 'self' to stay root")
    ap.add_argument("--no-phosh", action="store_true", help="measure Cirrus alone")
    ap.add_argument("--no-install", action="store_true",
                    help="do not apt-get install phoc/phosh when missing (skip the peer)")
    ap.add_argument("--smaps", type=int, default=10,
                    help="list the N largest mappings (by Pss) of the compositor and the shell "
                         "(default 10; 0: none)")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    if args.seconds <= 0 or args.warmup < 0:
        ap.error("--seconds must be > 0 and --warmup >= 0")

    user = bl.target_user(args.user)
    cirrus_path = bl.check_cirrus(os.path.abspath(args.cirrus or bl.default_cirrus(args.build_dir)))
    shell_path = os.path.abspath(args.shell or sl.default_shell(args.build_dir))
    probe_path = os.path.abspath(args.probe or os.path.join(args.build_dir, "bench", "screen_probe"))
    sl.check_shell(shell_path)
    for p in (cirrus_path, shell_path):
        bl.check_readable_by(p, user)
    peer = None
    if not args.no_phosh:
        bl.require_executable(probe_path, "screen_probe",
                              "build it (ninja -C BUILD bench/screen_probe) or pass --probe PATH")
        bl.check_readable_by(probe_path, user)
        peer = sl.ensure_phosh(install=not args.no_install)
    appdata = sl.AppData(os.path.abspath(args.cli or sl.default_cli(args.build_dir)), args.apps)

    comps = [sl.CirrusShell(user, cirrus_path, shell_path, appdata)]
    if peer:
        comps.append(sl.Phosh(user, *peer, probe_path))
    sl.wait_for_minute_room(args.warmup + args.seconds + 2, not args.no_minute_align)
    for c in comps:
        c.start()
    for c in comps:
        c.wait_ready()
    comps[0].wait_shell_mapped()
    bl.log(f"started {', '.join(f'{c.name} (pid {c.pid})' for c in comps)}; "
           f"warming up {args.warmup:g} s")
    t_start = min(c.start_time for c in comps)
    time.sleep(max(0.0, t_start + args.warmup - time.monotonic()))

    res = {}
    for c in comps:
        c.check_alive()
        pids = c.tree()
        per = {p: bl.pss_kib(p) for p in pids}
        res[c.name] = {"pss": per, "uss": {p: sl.uss_kib(p) for p in pids},
                       "names": {p: bl.proc_name(p) for p in pids}}
    if args.smaps:
        shell_pid = comps[0].shell_pid()
        for label, pid in (("cirrus-compositor", comps[0].pid), ("cirrus-shell", shell_pid)):
            if pid:
                res["cirrus"].setdefault("smaps", []).append((label, pid, sl.smaps_by_mapping(pid, args.smaps)))
    clock0 = datetime.datetime.now()
    for c in comps:
        r = res[c.name]
        r["t0"] = time.monotonic()
        r["snap0"] = snapshot(c)
        r["frames0"] = c.frames()
    bl.log(f"measuring {args.seconds:g} s of idle")
    time.sleep(args.seconds)
    clock1 = datetime.datetime.now()
    for c in comps:
        c.check_alive()
        r = res[c.name]
        snap1 = snapshot(c)
        elapsed = time.monotonic() - r["t0"]
        frames1 = c.frames()
        r["frames"] = None if frames1 is None else frames1 - r["frames0"]
        # Per process: processes that came or went count from/to zero.
        procs = {}
        for pid in set(r["snap0"]) | set(snap1):
            name0, cpu0, ctx0 = r["snap0"].get(pid, (None, 0, 0))
            name1, cpu1, ctx1 = snap1.get(pid, (name0, cpu0, ctx0))
            # A thread that ended in the window takes its schedstat time
            # with it: never count that as negative CPU.
            procs[pid] = (name1 or name0, max(0.0, 100.0 * (cpu1 - cpu0) / 1e9 / elapsed),
                          max(0.0, (ctx1 - ctx0) / elapsed))
        r["procs"] = procs
        r["cpu_pct"] = sum(v[1] for v in procs.values())
        r["wakeups"] = sum(v[2] for v in procs.values())
    for c in comps:
        c.stop()

    same_minute = clock0.replace(second=0, microsecond=0) == clock1.replace(second=0, microsecond=0)
    w = f"{args.seconds:g} s idle"
    print(f"## M1 for the pair — idle cost of compositor + shell ({bl.WIDTH}x{bl.HEIGHT}, headless, "
          f"pixman; PSS at {args.warmup:g} s)\n")
    print(f"| stack | PSS MiB | USS MiB | CPU % ({w}) | frames while idle | wakeups/s | processes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    labels = {"cirrus": "cirrus-compositor + cirrus-shell", "phoc+phosh": "phoc + phosh (+ session bus)"}
    for c in comps:
        r = res[c.name]
        frames = "n/a" if r["frames"] is None else str(r["frames"])
        print(f"| {labels[c.name]} | {sum(r['pss'].values()) / 1024:.1f} | "
              f"{sum(r['uss'].values()) / 1024:.1f} | {r['cpu_pct']:.2f} | "
              f"{frames} | {r['wakeups']:.0f} | {len(r['pss'])} |")
    print()
    print("Per process (PSS at the sample; CPU and wake-ups over the window):\n")
    print("| stack | process | PSS MiB | USS MiB | CPU % | wakeups/s |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for c in comps:
        r = res[c.name]
        by_name = {}
        for pid, (name, cpu, wake) in r["procs"].items():
            e = by_name.setdefault(name, [0, 0.0, 0.0, 0, 0])
            e[1] += cpu
            e[2] += wake
            e[3] += 1
        for pid, kib in r["pss"].items():
            e = by_name.setdefault(r["names"][pid], [0, 0.0, 0.0, 0, 0])
            e[0] += kib
            e[4] += r["uss"][pid]
        for name, (kib, cpu, wake, n, uss) in sorted(by_name.items(), key=lambda kv: -kv[1][0]):
            label = f"{name} ×{n}" if n > 1 else name
            print(f"| {c.name} | {label} | {kib / 1024:.1f} | {uss / 1024:.1f} | {cpu:.2f} | "
                  f"{wake:.0f} |")
    print()
    ci = res["cirrus"]
    shell_cpu = sum(v[1] for v in ci["procs"].values() if v[0] == "cirrus-shell")
    shell_wake = sum(v[2] for v in ci["procs"].values() if v[0] == "cirrus-shell")
    pss_mib = sum(ci["pss"].values()) / 1024
    ok_mem = pss_mib <= GOAL_MIB
    ok_cpu = shell_cpu < 0.01 and ci["frames"] == 0
    print(GOAL)
    verdict = "MET" if ok_mem and ok_cpu else "NOT MET"
    parts = [f"PSS {pss_mib:.1f} MiB ({'≤' if ok_mem else '>'} {GOAL_MIB:g}"
             + ("" if ok_mem else f", over by {pss_mib - GOAL_MIB:.1f} MiB") + ")",
             f"shell CPU {shell_cpu:.3f} % ({shell_wake:.2f} wake-ups/s)",
             f"{ci['frames']} frames while idle",
             f"stack CPU {ci['cpu_pct']:.2f} %"]
    if "phoc+phosh" in res:
        ph = res["phoc+phosh"]
        parts.append(f"phoc + phosh {sum(ph['pss'].values()) / 1024:.1f} MiB, {ph['cpu_pct']:.2f} % CPU")
    print(f"Result: {verdict} — " + "; ".join(parts) + ".")
    print()
    print(f"Window {clock0:%H:%M:%S}–{clock1:%H:%M:%S} wall clock: "
          + ("inside one minute, so no clock redrew." if same_minute
             else "it crossed a minute, so the clocks redrew once."))
    print("USS = Private_Clean + Private_Dirty (memory only that process maps). PSS adds a "
          "share of each shared library, so it moves with whatever else on the machine maps "
          "the same libraries at that moment (compare runs by USS; both stacks share a run).")
    print("CPU is on-CPU time from /proc/PID/task/*/schedstat summed over each process tree; "
          "wakeups/s are context switches. wlroots 0.15's headless backend fires its output frame "
          "timer at 60 Hz even when nothing changes (see M1), which sets the compositors' floor. "
          "Each stack is every process of its session (the compositor is started in a new "
          "session): for Cirrus the compositor and the shell; for the peer dbus-run-session, "
          "dbus-daemon, phoc, the sh of phoc's -E command, phosh and the services D-Bus activates "
          "for phosh (they leave the process tree, double-forked, but stay in the session), all "
          "counted; bench/screen_probe (the virtual pointer that gives phoc the seat phosh needs) "
          "is not.")
    if ci.get("smaps"):
        print()
        print("Largest mappings of the Cirrus processes (Pss, /proc/PID/smaps, summed by file):\n")
        print("| process | mapping | Pss KiB |")
        print("| --- | --- | ---: |")
        for label, _pid, rows in ci["smaps"]:
            for kib, name in rows:
                print(f"| {label} | {name} | {kib} |")
    return 0 if verdict == "MET" else 2


if __name__ == "__main__":
    bl.run_main(main)
