#!/usr/bin/env python3
"""M4 — input-to-screen latency of Cirrus vs sway 1.7 (headless, pixman, 480x800).

Runs bench/tap_latency (a full-screen Wayland client) against sway, then against
Cirrus (through its trusted socket, where the virtual pointer is offered), one
compositor at a time so they do not compete for the CPU. tap_latency injects a
pointer tap through zwlr_virtual_pointer_v1, repaints on the wl_pointer.button
press and times the frame that shows it. Prints a Markdown table.
"""

import argparse
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

GOAL = ("Goal: the new frame on screen at most one frame after the client's commit "
        "(commit→present p50 ≤ 1 frame), and tap→present no slower than sway.")


def run_client(comp, exe, args):
    argv = [exe, "--count", str(args.count), "--warmup", str(args.warmup_taps),
            "--t1", args.t1, "--timeout", str(args.timeout_ms)]
    bl.log(f"{comp.name}: running {' '.join(argv)} (WAYLAND_DISPLAY={comp.client_display()})")
    budget = 30 + args.count * (args.timeout_ms / 1000.0 + 0.2)
    try:
        p = subprocess.Popen(argv, env=comp.client_env(), stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        raise bl.BenchError(f"cannot run {exe}: {e}")
    try:
        out, err = p.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise bl.BenchError(f"tap_latency against {comp.name} did not finish in {budget:.0f} s")
    except BaseException:
        p.kill()
        p.wait()
        raise
    if args.verbose:
        sys.stderr.write(out)
    if err.strip():
        sys.stderr.write("".join(f"  {comp.name}: {line}\n" for line in err.strip().splitlines()))
    result = None
    for line in out.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
    if p.returncode != 0 or result is None:
        comp.check_alive()
        raise bl.BenchError(f"tap_latency against {comp.name} failed (status {p.returncode}):\n"
                            f"{err.strip() or out.strip()}\ncompositor log tail:\n"
                            f"{comp.log_tail()}")
    return result


def main():
    ap = argparse.ArgumentParser(
        description="M4: injected tap to the frame that shows it, Cirrus vs sway, "
                    "headless pixman 480x800.")
    ap.add_argument("--cirrus", help="cirrus-compositor binary "
                    "(default: BUILD_DIR/compositor/cirrus-compositor)")
    ap.add_argument("--tap-latency", help="tap_latency client "
                    "(default: BUILD_DIR/bench/tap_latency)")
    ap.add_argument("--build-dir", default=bl.DEFAULT_BUILD,
                    help=f"meson build dir (default: {bl.DEFAULT_BUILD})")
    ap.add_argument("--count", type=int, default=200, help="measured taps (default 200)")
    ap.add_argument("--warmup-taps", type=int, default=5, help="unmeasured taps (default 5)")
    ap.add_argument("--timeout-ms", type=int, default=3000,
                    help="per-step timeout in the client (default 3000)")
    ap.add_argument("--t1", default="auto", choices=["auto", "presentation", "frame-done"],
                    help="what marks the frame as shown: the wp_presentation 'presented' time, "
                         "or when the commit's frame callback reached the client; auto uses "
                         "presentation if every frame got one (default auto)")
    ap.add_argument("--user", default="nobody",
                    help="when run as root, run the compositors as this user (sway refuses "
                         "root); 'self' to not drop privileges (default: nobody)")
    ap.add_argument("--no-sway", action="store_true", help="measure Cirrus alone")
    ap.add_argument("--no-cirrus", action="store_true", help="measure sway alone")
    ap.add_argument("--verbose", "-v", action="store_true", help="show the client's output")
    args = ap.parse_args()
    if args.count <= 0:
        ap.error("--count must be > 0")

    user = bl.target_user(args.user)
    exe = os.path.abspath(args.tap_latency or os.path.join(args.build_dir, "bench", "tap_latency"))
    bl.require_executable(exe, "tap_latency",
                          "build it (ninja -C BUILD bench/tap_latency) or pass --tap-latency PATH")
    plan = []
    if not args.no_sway:
        plan.append(("sway", bl.find_sway()))
    if not args.no_cirrus:
        path = bl.check_cirrus(os.path.abspath(args.cirrus or bl.default_cirrus(args.build_dir)))
        bl.check_readable_by(path, user)
        plan.append(("cirrus", path))
    if not plan:
        ap.error("nothing to measure")

    results = {}
    for name, path in plan:
        comp = bl.Sway(user, path) if name == "sway" else bl.Cirrus(user, path)
        comp.start()
        try:
            comp.wait_ready()
            results[name] = run_client(comp, exe, args)
            if name == "cirrus":
                try:
                    results[name]["frames_total"] = comp.frames()
                except (OSError, bl.BenchError):
                    pass
            comp.check_alive()
        finally:
            comp.stop()

    print(f"## M4 — tap to screen ({bl.WIDTH}x{bl.HEIGHT}, headless, pixman; "
          f"{args.count} taps each)\n")
    print("| compositor | tap→present p50 ms | p95 ms | max ms | commit→present p50 frames "
          "| p95 frames | samples | feedback discarded | t1 source |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, _ in plan:
        r = results[name]
        src = r["source"]
        if src == "frame-done" and r["presented"] == 0:
            src = "frame callback (no 'presented' received)"
        elif src == "frame-done":
            src = f"frame callback ({r['presented']} presented)"
        print(f"| {name} | {bl.fmt(r['lat_p50_ms'], 2)} | {bl.fmt(r['lat_p95_ms'], 2)} | "
              f"{bl.fmt(r['lat_max_ms'], 2)} | {bl.fmt(r['c2p_p50_frames'], 2)} | "
              f"{bl.fmt(r['c2p_p95_frames'], 2)} | {r['samples']} | {r['discarded']} | {src} |")
    print()
    print(f"Refresh: " + ", ".join(f"{n} {bl.fmt(results[n]['refresh_ms'], 2)} ms"
                                   for n, _ in plan) +
          ". tap→button (injection to the client's wl_pointer.button) p50: " +
          ", ".join(f"{n} {bl.fmt(results[n]['button_p50_ms'], 2)} ms" for n, _ in plan) + ".")
    print()
    print(GOAL)
    status = 0
    if "cirrus" in results:
        ci = results["cirrus"]
        ok_frame = ci["c2p_p50_frames"] is not None and ci["c2p_p50_frames"] <= 1.0
        parts = [f"commit→present p50 {bl.fmt(ci['c2p_p50_frames'], 2)} frames "
                 f"({'≤' if ok_frame else '>'} 1)"]
        ok_sway = True
        if "sway" in results:
            sw = results["sway"]
            ok_sway = ci["lat_p50_ms"] <= sw["lat_p50_ms"]
            parts.append(f"tap→present p50 {bl.fmt(ci['lat_p50_ms'], 2)} ms vs sway "
                         f"{bl.fmt(sw['lat_p50_ms'], 2)} ms "
                         f"({'not slower' if ok_sway else 'SLOWER'})")
        verdict = "MET" if ok_frame and ok_sway else "NOT MET"
        print(f"Result: {verdict} — " + "; ".join(parts) + ".")
        status = 0 if verdict == "MET" else 2
    if any(r["source"] == "frame-done" for r in results.values()):
        print()
        print("Note: wlroots 0.15's headless backend emits the output 'present' event inside "
              "the output commit, before the 'commit' event that wlr_presentation's sampled-"
              "on-output feedback waits for, so such feedback is never 'presented' (nor "
              "discarded). Where that happened, the frame is taken as shown when its "
              "wl_surface.frame callback reached the client (headless 'presents' at commit "
              "time, and compositors send frame callbacks right after the output commit).")
    if any(r["discarded"] for r in results.values()):
        print()
        print("'feedback discarded': wlroots discards a surface's presentation feedback that "
              "has not been sampled yet when the surface commits again. tap_latency acks every "
              "configure with a commit, so a compositor that sends an xdg_toplevel.configure "
              "in reply to the press (e.g. re-activating an already focused window) makes the "
              "feedback of the repaint discarded. With t1 = frame callback such samples still "
              "count.")
    return status


if __name__ == "__main__":
    bl.run_main(main)
