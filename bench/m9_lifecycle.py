#!/usr/bin/env python3
"""Issue 16, the app lifecycle: how fast an app put away comes back, and M9,
how many apps the W700 profile keeps open. See bench/README.md ("M9 — the
app lifecycle").

Set-up: N packaged apps (each a page filled with a colour of its own, so
that the screen says which app is in front), installed with the real CLI
into a temporary registry; one Cirrus compositor (headless, pixman, 480x800,
--no-shell, no standby host) with the real cirrus-webapp-host and this
lifecycle configuration:

    [apps] freeze_after = 1s, memory_budget = 320M (W700's apps_max),
           discard_above = 90, pressure_some = pressure_full = 0

(PSI is off so that only the budget, which this bench controls, discards.)
Times run from the control socket's launch request (what a tap on a card or
an icon sends) to the first polled screenshot that shows the app's colour
(m2_m3_webapps.Poller: polled every --poll-ms, so late by up to that much).

Cases, each --rounds times, rounds taking them in turn:
1. cold: a first launch (no host);
2. background: the app brought back before it froze (its processes ran);
3. frozen: brought back after the lifecycle froze it (SIGSTOP here; the
   cgroup freezer on the device): the thaw, then the next frame;
   the compositor's own `thaw_to_frame_ms` is given beside it;
4. discarded: brought back after a (simulated) memory-pressure discard: a
   new host restores its page from the saved state.
Goals: frozen at most 100 ms; discarded at most 1 s, beside the cold launch.

M9: the apps are opened one after another (each until it is on screen),
with W700's per-app settings too (javascript_jit = off, web_memory_limit =
160M, web_memory_poll = 2s), beside the phone as it was (none of it);
after each, the apps' memory (`memory_bytes`, PSS summed over each host's
processes) and states. The figure with the lifecycle: apps open (front,
background or frozen) when the first discard comes. Today's figure, from
the same run: apps whose summed memory stays within the 320 MiB budget,
i.e. before the kernel's OOM killer would end one (without the lifecycle
nothing else acts).
"""

import argparse
import os
import statistics
import time

import benchlib as bl
from benchlib import BenchError, log
import m2_m3_webapps as m23

BUDGET_MIB = 320
SOCKET = "wayland-m9"


def colour_of(i):
    # Far apart in hue, saturated: no two apps look alike in a screenshot.
    palette = [0xd03030, 0x30a050, 0x3050d0, 0xd0a020, 0x9030c0, 0x20a0b0, 0xe06010, 0x606060,
               0xa02060, 0x40c040, 0x2080f0, 0xc08060]
    return palette[i % len(palette)]


def page_of(app, colour):
    return ("<!doctype html><meta name=viewport content='width=device-width'><title>"
            f"{app}</title><body style='margin:0;height:100vh;background:#{colour:06x}'>"
            "<input style='margin:40px'></body>")


class Setup:
    def __init__(self, args):
        self.apps = [(f"m9-app-{i:02d}", colour_of(i)) for i in range(args.apps)]
        self.packaged = bl.PackagedApps(args.build_dir, "bench-m9-", [(a, page_of(a, c)) for a, c in self.apps])
        # The returns: no budget (only the simulated pressure discards);
        # "standby": the same with a standby host kept (the device's
        # prestart = 1), which a cold launch and a restore both take; M9:
        # W700's budget; "off": today's phone, no freezing and no budget
        # (M9's peer). PSI is off in all, so that nothing else decides.
        # M9 also takes W700's per-app settings (board/profiles/w700.conf:
        # no JIT, WebKit's memory-pressure settings), which is what that
        # profile keeps open now; "off" is the phone before any of it.
        w700_apps = "javascript_jit = off\nweb_memory_limit = 160M\nweb_memory_poll = 2s\n"
        self.configs = {}
        for name, prestart, freeze, budget, more in (("returns", 0, "1s", "none", ""),
                                                     ("standby", 1, "1s", "none", ""),
                                                     ("m9", 0, "1s", f"{BUDGET_MIB}M", w700_apps),
                                                     ("off", 0, "0", "none", "")):
            self.configs[name] = self.packaged.config(
                name, f"[apps]\nprestart = {prestart}\nfreeze_after = {freeze}\nmemory_budget = {budget}\n"
                "discard_above = 90\npressure_some = 0\npressure_full = 0\n" + more)
        log(f"{len(self.apps)} apps installed in {self.packaged.registry}")

    def start(self, args, config):
        prestart = "1" if config == "standby" else "0"
        comp = self.packaged.start(SOCKET, ["--config", self.configs[config], "--prestart", prestart])
        m23.attach_poller(comp, args.poll_ms / 1000.0, args.poll_ms / 1000.0)
        return comp


def shows(comp, colour):
    probes = [(20, 20, colour), (240, 400, colour), (460, 700, colour)]
    return lambda path: m23.frame_matches(path, probes, comp.poller.origin)


def apps_of(comp):
    return {a["app"]: a for a in comp.control({"cmd": "apps"}).get("apps", [])}


def wait_state(comp, app, state, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if apps_of(comp).get(app, {}).get("state") == state:
            return
        time.sleep(0.05)
    raise BenchError(f"{app} did not become {state} within {timeout} s: {apps_of(comp).get(app)}")


def bring(comp, app, colour, what):
    """Launch request -> the app's colour on screen, in seconds."""
    t0, _ = m23.launch(comp, app)
    return comp.poller.wait(t0, shows(comp, colour), 30, f"{what} {app}")


def run_returns(setup, args, config):
    """Cases 1-4 with two apps: A (measured) and B (the one opened meanwhile).
    With a standby host, each cold launch and restore waits until one is
    ready (as a phone left alone for a few seconds has one)."""
    times = {"cold": [], "background": [], "frozen": [], "discarded": []}
    thaw_ms = []
    comp = setup.start(args, config)
    standby = config == "standby"
    try:
        for r in range(args.rounds):
            (a, ca), (b, cb) = setup.apps[(2 * r) % len(setup.apps)], setup.apps[(2 * r + 1) % len(setup.apps)]
            if standby:
                m23.ready_standby(comp, 60)
            times["cold"].append(bring(comp, a, ca, "cold launch of"))
            bring(comp, b, cb, "launch of")
            times["background"].append(bring(comp, a, ca, "background"))
            bring(comp, b, cb, "launch of")
            wait_state(comp, a, "frozen")
            times["frozen"].append(bring(comp, a, ca, "frozen"))
            t = apps_of(comp).get(a, {}).get("thaw_to_frame_ms")
            if t is not None:
                thaw_ms.append(t / 1000.0)
            bring(comp, b, cb, "launch of")
            wait_state(comp, a, "frozen")
            r_ = comp.control({"cmd": "memory_pressure", "level": "critical"})
            if r_.get("discarding") != a:
                raise BenchError(f"the simulated pressure discards {r_.get('discarding')}, not {a}: {r_}")
            wait_state(comp, a, "discarded")
            comp.control({"cmd": "memory_pressure", "level": "none"})
            if standby:
                m23.ready_standby(comp, 60)
            times["discarded"].append(bring(comp, a, ca, "discarded"))
            for app in (a, b):
                m23.stop_host(comp, app)
            log(f"{config} round {r + 1}/{args.rounds}: " +
                ", ".join(f"{k} {v[-1] * 1000:.0f} ms" for k, v in times.items()))
    finally:
        comp.stop()
    return times, thaw_ms


def open_in_turn(setup, args, config, stop_above_mib=None):
    """Opens the apps one after another; after each, (opened, open, MiB, states)."""
    comp = setup.start(args, config)
    rows = []
    try:
        for i, (app, colour) in enumerate(setup.apps):
            bring(comp, app, colour, f"M9 ({config}) launch of")
            time.sleep(args.settle)  # the page's memory settles; the one before freezes
            apps = apps_of(comp)
            open_apps = [x for x in apps.values() if x.get("state") != "discarded"]
            total = sum(x.get("memory_bytes", 0) for x in open_apps) / 2**20
            states = {}
            for x in apps.values():
                states[x.get("state")] = states.get(x.get("state"), 0) + 1
            rows.append((i + 1, len(open_apps), total, states))
            log(f"M9 ({config}): {i + 1} opened, {len(open_apps)} open, {total:.0f} MiB, {states}")
            if stop_above_mib is not None and total > stop_above_mib:
                break
    finally:
        comp.stop()
    return rows


def run_m9(setup, args):
    """Today's figure: apps open while their sum stays within the budget (the
    kernel kills one above it). With the lifecycle: apps open when the first
    discard comes."""
    today = open_in_turn(setup, args, "off", stop_above_mib=BUDGET_MIB)
    within = 0
    for _opened, open_count, mib, _states in today:
        if mib <= BUDGET_MIB:
            within = open_count
    rows = open_in_turn(setup, args, "m9")
    first_discard = None
    for k, (_opened, _open, _mib, states) in enumerate(rows):
        if states.get("discarded"):
            first_discard = rows[k - 1][1] if k else 0
            break
    return today, rows, first_discard, within


def ms(v):
    return f"{v * 1000:.0f} ms"


def print_returns(times, thaw_ms, args, config):
    how = "a standby host kept (prestart 1)" if config == "standby" else "no standby host"
    print(f"### Bringing an app back, {how} (launch request -> its page on screen; {args.rounds} rounds, "
          f"screenshots every {args.poll_ms} ms)\n")
    print("| case | median | min | max | goal |")
    print("| --- | --- | --- | --- | --- |")
    goals = {"cold": "(the peer)", "background": "", "frozen": "≤ 100 ms", "discarded": "≤ 1 s"}
    for case, values in times.items():
        print(f"| {case} | {ms(statistics.median(values))} | {ms(min(values))} | {ms(max(values))} | "
              f"{goals[case]} |")
    if thaw_ms:
        print(f"\nThe compositor's own thaw → next frame (`thaw_to_frame_ms`): median "
              f"{ms(statistics.median(thaw_ms))}, max {ms(max(thaw_ms))}.")
    print()


def print_m9(today, rows, first_discard, within_budget):
    print(f"### M9: apps kept open on the W700 budget ({BUDGET_MIB} MiB for the apps)\n")
    print("| apps opened | today: open, memory (PSS) | with the lifecycle: open, memory | states |")
    print("| --- | --- | --- | --- |")
    for k, (opened, open_count, mib, states) in enumerate(rows):
        t = f"{today[k][1]}, {today[k][2]:.0f} MiB" if k < len(today) else "(over budget: stopped)"
        print(f"| {opened} | {t} | {open_count}, {mib:.0f} MiB | "
              + ", ".join(f"{k_} {v}" for k_, v in sorted(states.items())) + " |")
    print()
    print("| | apps open before one is lost |")
    print("| --- | --- |")
    print(f"| today (no lifecycle: the kernel's OOM killer ends one above {BUDGET_MIB} MiB, its state gone) "
          f"| {within_budget} |")
    lifecycle = first_discard if first_discard is not None else f"≥ {rows[-1][1]} (no discard)"
    print(f"| with the lifecycle (discards above 90 %; the app stays in the switcher, restorable) | {lifecycle} |")
    print()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", default=os.path.join(bl.REPO, "build"))
    p.add_argument("--apps", type=int, default=8, help="apps installed (M9 opens them all)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--poll-ms", type=int, default=20)
    p.add_argument("--settle", type=float, default=2.0, help="seconds after each M9 launch")
    p.add_argument("--no-m9", action="store_true")
    a = p.parse_args()
    if a.apps < 2:
        raise BenchError("--apps needs at least 2")
    setup = Setup(a)
    returns = [(config, *run_returns(setup, a, config)) for config in ("returns", "standby")]
    m9 = None if a.no_m9 else run_m9(setup, a)
    print("## The app lifecycle (issue 16)\n")
    for config, times, thaw_ms in returns:
        print_returns(times, thaw_ms, a, config)
    if m9:
        print_m9(*m9)
    return 0


if __name__ == "__main__":
    bl.run_main(main)
