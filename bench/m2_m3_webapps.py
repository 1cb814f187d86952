#!/usr/bin/env python3
"""M2 (memory per running web app) and M3 (app launch time) for Cirrus,
beside a bare WebKitGTK 4.1 window (bench/bare_webkit.c) run as a client of
the same (Cirrus) compositor. See bench/README.md and docs/ARCHITECTURE.md
("Benchmarks").

Everything runs headless with the pixman renderer at 480x800, as the user
running the script, each compositor in its own private temporary
XDG_RUNTIME_DIR / XDG_DATA_HOME / XDG_CACHE_HOME / XDG_CONFIG_HOME, with
CIRRUS_REGISTRY pointing at a temporary registry into which the bundled apps
are installed first (`cirrus --registry R install-bundled`).

Standard library only.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402
from benchlib import BenchError, log  # noqa: E402

MiB = 1024.0
BACKGROUND = (0x10, 0x14, 0x18)     # the compositor's background, #101418
SOCKET = "wayland-bench-m2m3"

# What "the app's own content" looks like: pixels (relative to the work area)
# that only the page paints, not the host's pre-paint background_color nor
# GTK's window background. All probes must match (within TOLERANCE per
# channel). Taken from the bundled apps' CSS: notes' and weather's header
# bars, calculator's "C" key and its orange operator column.
PROBES = {
    "notes": [(5, 5, 0xf4b400), (90, 48, 0xf4b400)],
    "calculator": [(20, 140, 0x546e7a), (380, 140, 0xff9800)],
    "weather": [(5, 5, 0x1e88e5), (240, 60, 0x1e88e5)],
}
TOLERANCE = 3
PEER_PAGE_APP = "notes"   # the bare window shows this app's page, via file://


# ------------------------------------------------------------ detection

def rgb(v):
    return (v >> 16) & 255, (v >> 8) & 255, v & 255


def frame_matches(path, probes, origin):
    """True when every probe pixel has its colour in the screenshot."""
    ox, oy = origin
    max_row = max(oy + y for _x, y, _c in probes) + 1
    width, _h, ch, rows = bl.read_png_rows(path, max_row)
    for x, y, colour in probes:
        px = rows[oy + y][(ox + x) * ch:(ox + x) * ch + 3]
        if any(abs(a - b) > TOLERANCE for a, b in zip(px, rgb(colour))):
            return False
    return True


def attach_poller(comp, poll_s, check_s):
    """Gives a started compositor its work area (comp.work_area, from
    {"cmd":"outputs"}), a folder for screenshots (comp.shots) and a Poller
    over them (comp.poller); M2/M3 and M7 watch launches this way."""
    out = comp.control({"cmd": "outputs"})
    try:
        wa = out["outputs"][0]["work_area"]
        comp.work_area = (wa["x"], wa["y"], wa["width"], wa["height"])
    except (KeyError, IndexError, TypeError):
        raise BenchError(f"cannot read the work area from {{\"cmd\":\"outputs\"}}: {out}")
    comp.shots = os.path.join(comp.runtime_dir, "shots")
    os.mkdir(comp.shots, 0o700)
    comp.poller = Poller(comp, comp.shots, poll_s, check_s, comp.work_area[:2])


class Poller:
    """Polls the control socket's screenshot every `interval` s into files,
    checks only every `check_every` s whether the content is there (decoding
    costs CPU that the app being launched should get), and, once it is, finds
    the first polled frame that shows it (frames are kept until then)."""

    def __init__(self, comp, shot_dir, interval, check_every, origin):
        self.comp, self.dir, self.interval = comp, shot_dir, interval
        self.check_every, self.origin = check_every, origin
        self.count = 0
        self.intervals = []   # achieved request-to-request spacing, s

    def shot(self, path):
        r = self.comp.control({"cmd": "screenshot", "path": path}, timeout=10)
        if not r.get("ok"):
            raise BenchError(f"screenshot failed: {r}")

    def wait(self, t0, pred, timeout, what, alive=None):
        """Polls from now until pred(frame path) holds. Returns the time from
        t0 to the request of the first frame for which it holds (so an upper
        bound, at most one polling interval late), or raises."""
        frames = []          # (t_request, path)
        checked_neg = -1     # index of the last frame checked: not matching
        last_check = 0.0
        deadline = time.monotonic() + timeout
        hit = None
        try:
            while True:
                t_req = time.monotonic()
                if frames:
                    self.intervals.append(t_req - frames[-1][0])
                path = os.path.join(self.dir, f"poll-{self.count:06d}.png")
                self.count += 1
                self.shot(path)
                frames.append((t_req, path))
                now = time.monotonic()
                if now - last_check >= self.check_every or now > deadline:
                    last_check = now
                    if pred(path):
                        hit = len(frames) - 1
                        break
                    checked_neg = len(frames) - 1
                    # Frames up to here are no longer needed.
                    for _t, p in frames[:checked_neg]:
                        _unlink(p)
                    if now > deadline:
                        raise BenchError(f"{what}: not on screen within {timeout:.0f} s")
                    self.comp.check_alive()
                    if alive is not None:
                        alive()
                time.sleep(max(0.0, t_req + self.interval - time.monotonic()))
            # The first match lies in (checked_neg, hit]; frames are monotonic
            # (once shown the content stays), so bisect.
            lo, hi = checked_neg, hit
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if pred(frames[mid][1]):
                    hi = mid
                else:
                    lo = mid
            return frames[hi][0] - t0
        finally:
            for _t, p in frames:
                _unlink(p)

    def content(self, app):
        probes = PROBES[app]
        return lambda path: frame_matches(path, probes, self.origin)

    def not_content(self, app):
        probes = PROBES[app]
        return lambda path: not frame_matches(path, probes, self.origin)


def _unlink(p):
    try:
        os.unlink(p)
    except OSError:
        pass


# ------------------------------------------------------------ the set-up

class Setup:
    def __init__(self, args):
        self.args = args
        build = os.path.abspath(args.build_dir)
        self.cirrus_path = bl.check_cirrus(os.path.abspath(args.cirrus or bl.default_cirrus(build)))
        self.cli = bl.require_executable(
            os.path.abspath(args.cli or os.path.join(build, "launcher", "cirrus")),
            "the cirrus CLI", "build it (ninja -C build launcher/cirrus) or pass --cli PATH")
        host = os.path.join(os.path.dirname(os.path.dirname(self.cirrus_path)),
                            "webapp-host", "cirrus-webapp-host")
        bl.require_executable(host, "cirrus-webapp-host (the compositor starts it from beside "
                              "compositor/)", "build it: ninja -C BUILD webapp-host/cirrus-webapp-host")
        self.host_path = host
        bare = args.bare_webkit
        if not bare:
            for cand in (os.path.join(build, "bench", "bare_webkit"),
                         os.path.join(bl.REPO, "build-bench2", "bench", "bare_webkit")):
                if os.path.isfile(cand):
                    bare = cand
                    break
        self.bare = bl.require_executable(
            os.path.abspath(bare) if bare else None, "bench/bare_webkit (the peer)",
            "build it (ninja -C BUILD bench/bare_webkit) or pass --bare-webkit PATH")
        page = os.path.join(bl.REPO, "manifests", PEER_PAGE_APP, "index.html")
        if not os.path.isfile(page):
            raise BenchError(f"the peer's page {page} is missing")
        self.peer_url = "file://" + page
        self.peers = [("bare webkit", [self.bare, self.peer_url])]
        cog = None if args.no_cog else shutil.which("cog")
        if cog:
            self.peers.append(("cog", [cog, "-P", "wl", self.peer_url]))
        elif not args.no_cog:
            log("cog not found (apt-get install cog): running without that peer")
        # One registry with the bundled apps, shared by every compositor here.
        self.reg_dir = bl.make_tempdir("bench-m2m3-registry-")
        self.registry = os.path.join(self.reg_dir, "registry.db")
        env = dict(os.environ, HOME=self.reg_dir, XDG_DATA_HOME=self.reg_dir)
        r = subprocess.run([self.cli, "--registry", self.registry, "install-bundled"], env=env,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
        if r.returncode != 0:
            raise BenchError(f"`cirrus --registry {self.registry} install-bundled` failed "
                             f"({r.returncode}):\n{(r.stdout + r.stderr)[-1500:]}")
        for app in args.apps:
            if app not in PROBES:
                raise BenchError(f"no content probe for app {app!r} (known: {', '.join(PROBES)})")

    def start_cirrus(self, prestart=0):
        """prestart: standby hosts the compositor keeps (0 for everything but
        M3's pre-started case, so that the other figures stay comparable).
        Hosts print their start-up phases (CIRRUS_WEBAPP_TRACE=1) into the
        compositor's log, for M3's split."""
        comp = bl.Cirrus(None, self.cirrus_path, socket_name=SOCKET)
        rd = comp.runtime_dir
        extra = {"XDG_DATA_HOME": os.path.join(rd, "data"), "CIRRUS_REGISTRY": self.registry,
                 "CIRRUS_WEBAPP_TRACE": "1"}
        os.makedirs(extra["XDG_DATA_HOME"], 0o700)
        comp.start(["--no-bundled-apps", "--no-shell", "--prestart", str(prestart)], extra)
        comp.wait_ready(timeout=15)
        attach_poller(comp, self.args.poll_ms / 1000.0, self.args.check_ms / 1000.0)
        return comp

    def peer_env(self, comp):
        """A clean client environment like the one the compositor gives hosts,
        plus the three settings the host sets for itself."""
        rd = comp.runtime_dir
        env = {k: v for k, v in os.environ.items()
               if k in ("PATH", "USER", "LANG", "TZ") or k.startswith("LC_")}
        env.update(HOME=rd, XDG_RUNTIME_DIR=rd, WAYLAND_DISPLAY=SOCKET,
                   XDG_DATA_HOME=os.path.join(rd, "peer-data"),
                   XDG_CACHE_HOME=os.path.join(rd, "peer-cache"),
                   XDG_CONFIG_HOME=os.path.join(rd, "config"),
                   NO_AT_BRIDGE="1", GTK_A11Y="none", GSETTINGS_BACKEND="memory")
        return env

    def start_peer(self, comp, peer, n):
        name, argv = peer
        log_name = f"{name.replace(' ', '_')}-{n}.log"
        return bl.Child(argv, self.peer_env(comp), os.path.join(comp.runtime_dir, log_name),
                        name=name)


def launch(comp, app):
    t0 = time.monotonic()
    r = comp.control({"cmd": "launch", "app": app}, timeout=10)
    if not r.get("ok"):
        raise BenchError(f"launch {app} failed: {r.get('error', r)}")
    return t0, r


def host_pid(comp, app):
    for a in comp.control({"cmd": "apps"}).get("apps", []):
        if a.get("app") == app:
            return a.get("pid")
    return None


def ready_standby(comp, timeout, not_pid=None):
    """The pid of a standby host (other than not_pid) that said it is ready;
    raises on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for s in comp.control({"cmd": "apps"}).get("standby", []):
            if s.get("ready") and s["pid"] != not_pid:
                return s["pid"]
        comp.check_alive()
        time.sleep(0.05)
    raise BenchError(f"no standby host was ready within {timeout:.0f} s (is this compositor built with "
                     f"--prestart?); its log:\n{comp.log_tail()}")


def private_kib(pid):
    """Private_Clean + Private_Dirty (KiB) of one process, and the dirty part
    alone: without swap, dirty pages stay in RAM; clean ones (library code
    only this process maps) can be dropped and read again."""
    clean = dirty = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Private_Clean:"):
                    clean = int(line.split()[1])
                elif line.startswith("Private_Dirty:"):
                    dirty = int(line.split()[1])
    except OSError:
        pass
    return clean + dirty, dirty


# Start-up phases the host prints with CIRRUS_WEBAPP_TRACE=1
# ("cirrus-webapp-host[PID]: startup PHASE MS", MS on CLOCK_MONOTONIC like
# time.monotonic()), in the order they happen.
COLD_PHASES = [("main", "request → host's main()"), ("display", "gtk_init (display)"),
               ("context", "app's WebKit context"), ("web-process", "window, web process start asked"),
               ("committed", "web + network process up, page committed"), ("content", "first content frame")]
PRESTARTED_PHASES = [("named", "request → host has the app id"), ("context", "app's WebKit context"),
                     ("web-process", "window, web process start asked"),
                     ("committed", "web + network process up, page committed"), ("content", "first content frame")]


def startup_marks(comp, pid):
    """{phase: seconds on the monotonic clock} from the host's trace lines."""
    marks = {}
    prefix = f"cirrus-webapp-host[{pid}]: startup "
    try:
        with open(comp.log_path, errors="replace") as f:
            for line in f:
                if line.startswith(prefix):
                    parts = line[len(prefix):].split()
                    if len(parts) == 2 and parts[0] not in marks:
                        marks[parts[0]] = float(parts[1]) / 1000.0
    except OSError:
        pass
    return marks


def split(phases, marks, t0, t_content):
    """Durations (s) of each phase since the previous one; None when the host
    did not report a mark (an older host without CIRRUS_WEBAPP_TRACE)."""
    marks = dict(marks, content=t0 + t_content)
    out, prev = {}, t0
    for name, _label in phases:
        if name not in marks:
            return None
        out[name] = marks[name] - prev
        prev = marks[name]
    return out


def stop_host(comp, app, timeout=10):
    pid = host_pid(comp, app)
    if pid is None:
        return
    pids = bl.process_tree(pid)
    bl.kill_pids(pids)
    deadline = time.monotonic() + timeout
    while host_pid(comp, app) is not None:
        if time.monotonic() > deadline:
            raise BenchError(f"the compositor still lists {app} after its host was killed")
        time.sleep(0.02)


def peer_alive(child):
    def check():
        if child.proc.poll() is not None:
            raise BenchError(f"{child.name} exited with status {child.proc.returncode}; "
                             f"its log:\n{child.log_tail()}")
    return check


def sleep_until(t):
    d = t - time.monotonic()
    if d > 0:
        time.sleep(d)


def mib(kib):
    return kib / MiB


# --------------------------------------------------------------------- M2

def run_m2(setup):
    a = setup.args
    res = {"rows": [], "breakdown": []}
    comp = setup.start_cirrus()
    try:
        sleep_until(comp.start_time + a.settle)
        comp_alone = bl.tree_pss_kib(comp.pid)
        res["rows"].append(("cirrus-compositor alone", comp_alone, None))
        log(f"M2: compositor alone {mib(comp_alone):.1f} MiB")
        total_prev = comp_alone
        for app in a.apps:
            t0, r = launch(comp, app)
            if r.get("action") != "spawned":
                raise BenchError(f"launch {app}: expected a new host, got {r}")
            comp.poller.wait(t0, comp.poller.content(app), a.timeout, f"{app}'s page")
            sleep_until(t0 + a.settle)
            pid = host_pid(comp, app)
            if pid is None:
                raise BenchError(f"{app}'s host is not running any more")
            own = bl.tree_pss_kib(pid)
            total = bl.tree_pss_kib(comp.pid)
            res["rows"].append((f"{app} (host + web + network + bwrap)", own, total - total_prev))
            res["breakdown"].append((app, bl.tree_pss_by_name(pid)))
            log(f"M2: {app} {mib(own):.1f} MiB, adds {mib(total - total_prev):.1f} MiB")
            total_prev = total
        res["rows"].append((f"compositor + {len(a.apps)} apps (whole tree)", total_prev, None))
        for app in a.apps:
            stop_host(comp, app)
        # Peer, with no app running: same compositor, same sharing chances.
        time.sleep(1.0)
        for peer in setup.peers:
            m2_peer(setup, comp, peer, res)
        res["a11y"] = a11y_facts(comp, res)
    finally:
        comp.stop()
    return res


def m2_peer(setup, comp, peer, res):
    a = setup.args
    base = bl.tree_pss_kib(comp.pid)
    peers = []
    try:
        for n in (1, 2):
            child = setup.start_peer(comp, peer, n)
            peers.append(child)
            t0 = time.monotonic()
            if n == 1:
                comp.poller.wait(t0, comp.poller.content(PEER_PAGE_APP), a.timeout,
                                 f"the {peer[0]} page", alive=peer_alive(child))
            else:
                wait_window(comp, child, a.timeout)
            sleep_until(t0 + a.settle)
            peer_alive(child)()
            own = bl.tree_pss_kib(child.pid)
            total = bl.tree_pss_kib(comp.pid) + sum(bl.tree_pss_kib(c.pid) for c in peers)
            label = "bare WebKitGTK window" if peer[0] == "bare webkit" else peer[0]
            res["rows"].append((f"{label} #{n}", own, total - base))
            res["breakdown"].append((f"{peer[0]} #{n}", bl.tree_pss_by_name(child.pid)))
            log(f"M2: {peer[0]} #{n} {mib(own):.1f} MiB, adds {mib(total - base):.1f} MiB")
            base = total
            res.setdefault("logs", []).append(child.log_path)
    finally:
        for c in peers:
            c.stop()
        time.sleep(0.5)


A11Y_PATTERNS = ("a11y bus", "accessibility bus")


def a11y_facts(comp, res):
    """What the logs and process trees say about the a11y bus / D-Bus."""
    hits = 0
    for path in [comp.log_path] + res.get("logs", []):
        try:
            with open(path, errors="replace") as f:
                hits += sum(1 for line in f if any(p in line for p in A11Y_PATTERNS))
        except OSError:
            pass
    bus_procs = sorted({n for _l, d in res["breakdown"] for n in d
                        if "dbus" in n or "at-spi" in n})
    return hits, bus_procs


def wait_window(comp, child, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        peer_alive(child)()
        wins = comp.control({"cmd": "windows"}).get("windows", [])
        if any(w.get("pid") == child.pid and w.get("visible") for w in wins):
            time.sleep(1.0)   # let it paint (its page looks like the first's)
            return
        time.sleep(0.05)
    raise BenchError("the second bare window did not map")


# --------------------------------------------------------------------- M3

def run_m3(setup):
    a = setup.args
    app, other = a.apps[0], a.apps[1]
    times = {k: [] for k in ("cold", "prestarted", "warm", "resume")}
    splits = {"cold": [], "prestarted": []}
    standby_mem = []   # (pss, private, private dirty) KiB of an idle standby host, no app running
    standby_beside_app = []   # the same for the replacement, beside the launched app
    for name, _argv in setup.peers:
        times[f"{name} cold"], times[f"{name} warm"] = [], []
    intervals = []
    for rep in range(a.repeat):
        comp = setup.start_cirrus()
        try:
            p = comp.poller
            time.sleep(0.5)
            # cold: first launch after the compositor started (host start)
            t0, r = launch(comp, app)
            if r.get("action") != "spawned":
                raise BenchError(f"launch {app}: expected a new host, got {r}")
            times["cold"].append(p.wait(t0, p.content(app), a.timeout, f"{app} (cold)"))
            splits["cold"].append(split(COLD_PHASES, startup_marks(comp, r["pid"]), t0, times["cold"][-1]))
            time.sleep(a.pause)
            # warm: host killed, launched again
            stop_host(comp, app)
            p.wait(time.monotonic(), p.not_content(app), a.timeout, f"{app}'s window to go")
            time.sleep(a.pause)
            t0, r = launch(comp, app)
            times["warm"].append(p.wait(t0, p.content(app), a.timeout, f"{app} (warm)"))
            time.sleep(a.pause)
            # resume: another app in front, then launch (= focus) the first
            t1, _r = launch(comp, other)
            p.wait(t1, p.content(other), a.timeout, f"{other}")
            time.sleep(a.pause)
            t0, r = launch(comp, app)
            if r.get("action") != "focused":
                raise BenchError(f"launch of running {app}: expected focused, got {r}")
            times["resume"].append(p.wait(t0, p.content(app), a.timeout, f"{app} (resume)"))
            intervals += p.intervals
        finally:
            comp.stop()
        # Pre-started: a fresh compositor keeping one standby host; once it is
        # ready (and has been idle a moment), the launch is handed to it.
        comp = setup.start_cirrus(prestart=1)
        try:
            p = comp.poller
            standby = ready_standby(comp, a.timeout)
            time.sleep(a.pause)
            standby_mem.append((bl.tree_pss_kib(standby), *private_kib(standby)))
            t0, r = launch(comp, app)
            if r.get("action") != "spawned" or r.get("pid") != standby:
                raise BenchError(f"launch {app}: expected the standby host {standby} to take it, got {r}")
            times["prestarted"].append(p.wait(t0, p.content(app), a.timeout, f"{app} (pre-started)"))
            splits["prestarted"].append(split(PRESTARTED_PHASES, startup_marks(comp, standby), t0,
                                              times["prestarted"][-1]))
            intervals += p.intervals
            # Its replacement, beside the running app (which shares its libraries).
            replacement = ready_standby(comp, a.timeout, not_pid=standby)
            time.sleep(a.pause)
            standby_beside_app.append((bl.tree_pss_kib(replacement), *private_kib(replacement)))
        finally:
            comp.stop()
        # Peers: each in a fresh compositor, exec to page on screen, twice.
        for peer in setup.peers:
            comp = setup.start_cirrus()
            try:
                p = comp.poller
                time.sleep(0.5)
                for kind in ("cold", "warm"):
                    case = f"{peer[0]} {kind}"
                    t0 = time.monotonic()
                    child = setup.start_peer(comp, peer, kind)
                    times[case].append(p.wait(t0, p.content(PEER_PAGE_APP), a.timeout,
                                              f"the {case} page", alive=peer_alive(child)))
                    child.stop()
                    p.wait(time.monotonic(), p.not_content(PEER_PAGE_APP), a.timeout,
                           f"the {peer[0]} window to go")
                    time.sleep(a.pause)
                intervals += p.intervals
            finally:
                comp.stop()
        log(f"M3 round {rep + 1}/{a.repeat}: " +
            ", ".join(f"{k} {v[-1]:.3f} s" for k, v in times.items()))
    return times, intervals, splits, (standby_mem, standby_beside_app)


# ------------------------------------------------------------------ output

FRIENDLY = {"cirrus-webapp-h": "UI (host)", "bare_webkit": "UI (host)", "cog": "UI (host)",
            "WebKitWebProces": "web", "WebKitNetworkPr": "network", "bwrap": "bwrap",
            "WPEWebProcess": "web", "WPENetworkProce": "network"}


def print_m2(res, a):
    print(f"### M2: memory per running web app (summed Pss, {a.settle:g} s after each start)\n")
    print("| process | PSS MiB | added MiB |")
    print("| --- | ---: | ---: |")
    for name, own, added in res["rows"]:
        print(f"| {name} | {mib(own):.1f} | {'—' if added is None else f'{mib(added):.1f}'} |")
    print()
    names = []
    for i, (label, d) in enumerate(res["breakdown"]):
        d = {FRIENDLY.get(k, k): v for k, v in d.items()}
        res["breakdown"][i] = (label, d)
        for k in d:
            if k not in names:
                names.append(k)
    print("Breakdown by process (PSS MiB):\n")
    print("| tree | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * len(names))
    for label, d in res["breakdown"]:
        print(f"| {label} | " + " | ".join(f"{mib(d[k]):.1f}" if k in d else "—" for k in names) + " |")
    print()


def print_m3(times, intervals, splits, standby_mem, a, peers):
    def cell(v):
        return (f"{statistics.median(v):.3f} | {min(v):.3f}") if v else "— | —"
    names = [n for n, _argv in peers]
    print(f"### M3: launch to the first frame of the app's own content (n = {a.repeat})\n")
    print("| case | cirrus median s | min s | " +
          " | ".join(f"{n} median s | min s" for n in names) + " |")
    print("| --- | ---: | ---: |" + " ---: | ---: |" * len(names))
    for case, label in (("cold", "cold (first launch after compositor start)"),
                        ("prestarted", "pre-started (a ready standby host takes the launch)"),
                        ("warm", "warm (host killed, launched again)"),
                        ("resume", "resume (launch of a running app = focus)")):
        peer_cells = [cell(times.get(f"{n} {case}", [])) for n in names]
        print(f"| {label} | {cell(times[case])} | " + " | ".join(peer_cells) + " |")
    print()
    for case, phases, title in (("cold", COLD_PHASES, "cold"), ("prestarted", PRESTARTED_PHASES, "pre-started")):
        rows = [x for x in splits.get(case, []) if x]
        if not rows:
            continue
        print(f"Where a {title} launch's time goes (median ms over {len(rows)} launches; each phase "
              "from the end of the previous one; from the host's CIRRUS_WEBAPP_TRACE=1 lines):\n")
        print("| " + " | ".join(label for _n, label in phases) + " |")
        print("|" + " ---: |" * len(phases))
        print("| " + " | ".join(f"{statistics.median(r[n] for r in rows) * 1000:.0f}" for n, _l in phases) + " |")
        print()
    alone, beside = standby_mem
    if alone:
        print(f"Memory of one idle standby host (median of {len(alone)}; private = Private_Clean + "
              "Private_Dirty; dirty pages stay in RAM without swap, clean ones are library code only "
              "it maps, which the kernel can drop and an app's host maps anyway once it runs):\n")
        print("| standby host | PSS MiB | private MiB | private dirty MiB |")
        print("| --- | ---: | ---: | ---: |")
        for label, rows in (("no app running", alone), ("beside the app it replaced (running)", beside)):
            if rows:
                print(f"| {label} | " + " | ".join(f"{mib(statistics.median(m[i] for m in rows)):.1f}"
                                                 for i in range(3)) + " |")
        print()
    if intervals:
        print(f"Polling: a screenshot was requested every {a.poll_ms:g} ms at best; achieved "
              f"spacing median {statistics.median(intervals) * 1000:.0f} ms, p90 "
              f"{sorted(intervals)[int(len(intervals) * 0.9)] * 1000:.0f} ms "
              f"(each screenshot is rendered and PNG-encoded by the compositor). A time is "
              f"the request time of the first frame with content, so it is late by up to one "
              f"spacing.\n")


def print_notes(a, setup, res):
    print("Notes:\n")
    print(f"- Headless wlroots (pixman), {bl.WIDTH}x{bl.HEIGHT}, Cirrus's own compositor "
          f"(`cirrus-compositor --size 480x800 --socket {SOCKET} --no-bundled-apps --no-shell "
          "--prestart 0`, or 1 for M3's pre-started case), each run "
          "in a private temporary XDG_RUNTIME_DIR/DATA/CACHE/CONFIG, apps from a temporary "
          "registry (CIRRUS_REGISTRY) filled with `cirrus install-bundled`. Run as "
          f"{'root' if os.geteuid() == 0 else 'uid ' + str(os.geteuid())}.")
    print(f"- Apps: {', '.join(a.apps)}, started through the control socket "
          "(`{\"cmd\":\"launch\",\"app\":ID}`). PSS = sum of `Pss` in /proc/PID/smaps_rollup over "
          "the host and all its descendants (WebKitWebProcess, WebKitNetworkProcess, bwrap); "
          "\"added\" = growth of the whole sum (compositor tree, plus the peer windows) "
          "caused by that start, so pages shared with what already runs count once.")
    print(f"- Peer: bench/bare_webkit.c, a GTK3 window (undecorated, 480x800, like the host's) "
          f"with one WebKitGTK 4.1 view and default context/settings except GL compositing off "
          f"(as in the host); it shows the {PEER_PAGE_APP} app's own page from "
          f"{setup.peer_url} as an ordinary client of the same compositor, started with "
          "NO_AT_BRIDGE=1, GTK_A11Y=none, GSETTINGS_BACKEND=memory for fairness (the host sets "
          "these itself, plus GIO_USE_VFS=local). Its M2 rows are taken after the apps were "
          "stopped, in the same compositor.")
    print("- \"Own content\": probe pixels in the work area that only the page paints "
          f"({'; '.join(f'{k}: ' + ', '.join(f'#{c:06x}' for _x, _y, c in v) for k, v in PROBES.items())}), "
          "not the host's pre-paint background_color, GTK's window background or the compositor's "
          "#101418. Cold = the first launch in a freshly started compositor (host process start; "
          "the page cache is warm after the first round, nothing is dropped); pre-started = the "
          "first launch in a fresh compositor run with --prestart 1, once its standby host "
          "(`cirrus-webapp-host --standby`) said it is ready (every other case runs with "
          "--prestart 0); warm = the host "
          "killed and launched again; resume = launch of the app while another app is in front "
          "(the compositor focuses it). The peer's cold/warm: first/second exec in a fresh "
          "compositor. Each screenshot renders the scene the output would show next.")
    a11y = res.get("a11y") if res else None
    facts = ""
    if a11y:
        hits, procs = a11y
        facts = (f" In the M2 run the logs held {hits} line(s) about a missing accessibility bus "
                 f"(WebKitWebProcess \"Can't connect to a11y bus\", cog \"Could not determine "
                 f"the accessibility bus address\"; harmless) and the measured trees held "
                 f"{'these bus processes: ' + ', '.join(procs) if procs else 'no dbus-daemon or at-spi process'}.")
    print("- A11y bus / D-Bus: no session bus is given to hosts or peers (the compositor passes "
          "no DBUS_SESSION_BUS_ADDRESS and there is no X11 for autolaunch), so GTK's AT-SPI "
          "bridge is off (NO_AT_BRIDGE=1) and nothing starts a bus." + facts +
          " WebKit runs as the user running this script; the hosts enable WebKit's bubblewrap "
          "sandbox (their bwrap processes are counted), the bare window keeps WebKitGTK 4.1's "
          "default (no sandbox, no bwrap in its tree), cog runs without --enable-sandbox.")
    if any(n == "cog" for n, _ in setup.peers):
        print("- cog (Debian 12 `cog` 0.16.1, WPE WebKit 2.38, `cog -P wl URL`, defaults) is a "
              "second peer, run exactly like the bare window (same environment, same page).")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=bl.DEFAULT_BUILD,
                    help="build dir with compositor/, launcher/, webapp-host/ (default: build)")
    ap.add_argument("--cirrus", help="cirrus-compositor binary (default BUILD/compositor/...)")
    ap.add_argument("--cli", help="the cirrus CLI (default BUILD/launcher/cirrus)")
    ap.add_argument("--bare-webkit", help="the peer binary (default BUILD/bench/bare_webkit, "
                    "else build-bench2/bench/bare_webkit)")
    ap.add_argument("--apps", default="notes,calculator,weather",
                    help="apps for M2, in launch order (M3 uses the first two)")
    ap.add_argument("--settle", type=float, default=10.0,
                    help="M2: PSS is read this many s after each start (default 10)")
    ap.add_argument("--repeat", "-n", type=int, default=5, help="M3 repetitions (default 5)")
    ap.add_argument("--poll-ms", type=float, default=20.0, help="screenshot polling period")
    ap.add_argument("--check-ms", type=float, default=100.0,
                    help="how often a polled frame is decoded while waiting (the first frame "
                    "with content is then found among the kept ones)")
    ap.add_argument("--pause", type=float, default=0.5, help="M3: pause between steps, s")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-step timeout, s")
    ap.add_argument("--no-cog", action="store_true", help="leave out the cog peer")
    ap.add_argument("--no-m2", action="store_true")
    ap.add_argument("--no-m3", action="store_true")
    a = ap.parse_args()
    a.apps = [x for x in a.apps.split(",") if x]
    if len(a.apps) < 2 and not a.no_m3:
        raise BenchError("--apps needs at least two apps (M3's resume case)")
    if a.repeat < 1:
        raise BenchError("--repeat must be at least 1")

    setup = Setup(a)
    res = run_m2(setup) if not a.no_m2 else None
    m3 = run_m3(setup) if not a.no_m3 else None
    print("## Web apps: M2 memory and M3 launch, Cirrus beside a bare WebKitGTK 4.1 window\n")
    if res:
        print_m2(res, a)
    if m3:
        print_m3(*m3, a, setup.peers)
    print_notes(a, setup, res)
    return 0


if __name__ == "__main__":
    bl.run_main(main)
