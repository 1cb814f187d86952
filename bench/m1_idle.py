#!/usr/bin/env python3
"""M1 — idle cost of Cirrus vs sway 1.7 (headless, pixman, 480x800).

Starts both compositors at the same time, each in its own private
XDG_RUNTIME_DIR. After --warmup seconds (default 10) it records memory = sum of
Pss (/proc/PID/smaps_rollup) over the compositor and all its descendants, then
over --seconds (default 30) the CPU time (utime+stime, summed over the tree)
and, for Cirrus, the frames rendered (control socket {"cmd":"stats"}).
Prints a Markdown table.
"""

import argparse
import os
import shlex
import sys
import time

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

GOAL = "Goal: below sway on both PSS and CPU, zero frames while idle."
PEER_NOTE = ("Peer figures measured earlier (docs/ARCHITECTURE.md, Benchmarks): "
             "sway 10.9 MiB, 0.3% CPU; phoc 9.7 MiB; phoc+phosh 65.6 MiB, 13.9% CPU; "
             "weston 22.2 MiB, 0% CPU.")


def tree_pss_kib(comp):
    pids = comp.tree()
    return sum(bl.pss_kib(p) for p in pids), pids


def tree_cpu_ns(comp):
    return sum(bl.cpu_ns(p) for p in comp.tree())


def main():
    ap = argparse.ArgumentParser(
        description="M1: idle memory (summed PSS), CPU and frames of Cirrus vs sway, "
                    "both headless with the pixman renderer at 480x800, run side by side.")
    ap.add_argument("--cirrus", help="cirrus-compositor binary "
                    "(default: BUILD_DIR/compositor/cirrus-compositor)")
    ap.add_argument("--build-dir", default=bl.DEFAULT_BUILD,
                    help=f"meson build dir (default: {bl.DEFAULT_BUILD})")
    ap.add_argument("--seconds", type=float, default=30.0,
                    help="idle window for CPU and frames, s (default 30)")
    ap.add_argument("--warmup", type=float, default=10.0,
                    help="time from start to the memory sample and the start of the window, "
                         "s (default 10)")
    ap.add_argument("--user", default="nobody",
                    help="when run as root, run the compositors as this user (sway refuses "
                         "root); 'self' to not drop privileges (default: nobody)")
    ap.add_argument("--cirrus-args", default="",
                    help="extra arguments for cirrus-compositor, e.g. "
                         "\"--trusted 'build/shell/cirrus-shell'\" to measure compositor + shell")
    ap.add_argument("--cpu-tolerance", type=float, default=0.05,
                    help="CPU %% counts as 'not above sway' within this many percentage points "
                         "(default 0.05; both sit on the headless backend's 60 Hz timer floor)")
    ap.add_argument("--no-sway", action="store_true", help="measure Cirrus alone")
    ap.add_argument("--no-cirrus", action="store_true", help="measure sway alone")
    ap.add_argument("--verbose", "-v", action="store_true", help="list the processes measured")
    args = ap.parse_args()
    if args.seconds <= 0 or args.warmup < 0:
        ap.error("--seconds must be > 0 and --warmup >= 0")

    user = bl.target_user(args.user)
    comps = []
    if not args.no_cirrus:
        path = bl.check_cirrus(os.path.abspath(args.cirrus or bl.default_cirrus(args.build_dir)))
        bl.check_readable_by(path, user)
        comps.append(bl.Cirrus(user, path))
    if not args.no_sway:
        comps.append(bl.Sway(user, bl.find_sway()))
    if not comps:
        ap.error("nothing to measure")

    for c in comps:
        if isinstance(c, bl.Cirrus):
            c.start(shlex.split(args.cirrus_args))
        else:
            c.start()
    for c in comps:
        c.wait_ready()
    bl.log(f"started {', '.join(f'{c.name} (pid {c.pid})' for c in comps)}; "
           f"warming up {args.warmup:g} s")

    # Memory and window start at warmup seconds after each one's start.
    t_start = min(c.start_time for c in comps)
    time.sleep(max(0.0, t_start + args.warmup - time.monotonic()))
    res = {}
    for c in comps:
        c.check_alive()
        kib, pids = tree_pss_kib(c)
        res[c.name] = {"pss_kib": kib, "pids": pids}
        if args.verbose:
            bl.log(f"{c.name}: " + ", ".join(
                f"{bl.proc_name(p)}[{p}] {bl.pss_kib(p) / 1024:.1f} MiB" for p in pids))
    for c in comps:
        r = res[c.name]
        r["t0"] = time.monotonic()
        r["cpu0"] = tree_cpu_ns(c)
        r["ctx0"] = sum(bl.ctx_switches(p) for p in c.tree())
        r["frames0"] = c.frames()
    bl.log(f"measuring {args.seconds:g} s of idle")
    time.sleep(args.seconds)
    for c in comps:
        c.check_alive()
        r = res[c.name]
        cpu1 = tree_cpu_ns(c)
        frames1 = c.frames()
        elapsed = time.monotonic() - r["t0"]
        r["cpu_pct"] = 100.0 * (cpu1 - r["cpu0"]) / 1e9 / elapsed
        r["wakeups"] = (sum(bl.ctx_switches(p) for p in c.tree()) - r["ctx0"]) / elapsed
        r["frames"] = None if frames1 is None else frames1 - r["frames0"]
        r["procs"] = len(c.tree())
    for c in comps:
        c.stop()

    w = f"{args.seconds:g} s idle"
    print(f"## M1 — idle cost ({bl.WIDTH}x{bl.HEIGHT}, headless, pixman; "
          f"PSS at {args.warmup:g} s)\n")
    print(f"| compositor | PSS MiB | CPU % ({w}) | frames while idle | wakeups/s | processes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for c in comps:
        r = res[c.name]
        frames = "n/a" if r["frames"] is None else str(r["frames"])
        print(f"| {c.name} | {r['pss_kib'] / 1024:.1f} | {r['cpu_pct']:.2f} | {frames} | "
              f"{r['wakeups']:.0f} | {len(r['pids'])} |")
    print()
    print(GOAL)
    status = 0
    if "cirrus" in res and "sway" in res:
        ci, sw = res["cirrus"], res["sway"]
        ok_mem = ci["pss_kib"] < sw["pss_kib"]
        ok_cpu = ci["cpu_pct"] <= sw["cpu_pct"] + args.cpu_tolerance
        ok_frames = ci["frames"] == 0
        verdict = "MET" if (ok_mem and ok_cpu and ok_frames) else "NOT MET"
        print(f"Result: {verdict} — PSS {'below' if ok_mem else 'NOT below'} sway "
              f"({ci['pss_kib'] / 1024:.1f} vs {sw['pss_kib'] / 1024:.1f} MiB), CPU "
              f"{'not above' if ok_cpu else 'ABOVE'} sway (+{args.cpu_tolerance:g} pp) "
              f"({ci['cpu_pct']:.2f}% vs "
              f"{sw['cpu_pct']:.2f}%), {ci['frames']} frames while idle.")
        status = 0 if verdict == "MET" else 2
    elif "cirrus" in res:
        print(f"Result: sway not run; Cirrus rendered {res['cirrus']['frames']} frames while idle.")
    print()
    print("CPU is on-CPU time from /proc/PID/task/*/schedstat summed over the process tree; "
          "wakeups/s are context switches. Note: wlroots 0.15's headless backend fires its "
          "output frame timer at the refresh rate (60 Hz) even when nothing is scheduled, so "
          "on headless every wlroots 0.15 compositor wakes ~60 times a second while idle; "
          "that sets a floor under the CPU figures.")
    print()
    print(PEER_NOTE)
    return status


if __name__ == "__main__":
    bl.run_main(main)
