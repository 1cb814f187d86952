#!/usr/bin/env python3
"""Issue 16, item 3 (per-app cost): what one app costs under each option a
profile can choose, in one run. See bench/README.md ("Per-app cost").

Two packaged apps in a temporary registry: "gallery" (three pages, each 12
distinct 400x300 images and a list of 1500 items built by script; each page
goes on to the next 300 ms after it loaded, the third says "done" in its
title) and "script" (jit_memory.py's JavaScript workload, timed twice in the
page). Real hosts, each app in a fresh headless Cirrus (--no-shell):

- default: no profile settings (JIT on, WebKit's own memory-pressure limits);
- JIT off: `[apps] javascript_jit = off`;
- pressure: `[apps] web_memory_limit = --limit` (WebKit's memory-pressure
  settings for the app's web and network processes);
- W700: JIT off and pressure together (what board/profiles/w700.conf sets);
- standby: `[apps] prestart = 1` and no app: the idle standby host.

PSS is read --settle s after the page is done (summed Pss of smaps_rollup
over the host and each process below it).

The probe bench/webkit_cost (one GTK process set up like the host, any
number of apps in it) answers what the host cannot be switched to without a
code change: each cache model on the gallery, and one UI process holding two
apps against two processes holding one each (and whether the two apps then
share a network process).
"""

import argparse
import os
import statistics
import struct
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402
from benchlib import BenchError, log  # noqa: E402
import jit_memory  # noqa: E402
import m2_m3_webapps as m23  # noqa: E402

SOCKET = "wayland-app-cost"
NAMES = {"cirrus-webapp-h": "host", "webkit_cost": "host", "WebKitWebProces": "web",
         "WebKitNetworkPr": "network"}


# ------------------------------------------------------------ the pages

def png(width, height, seed):
    """An RGB PNG of coloured 8x8 blocks (distinct per seed): decoded it
    takes width*height*4 bytes in the web process, whatever it weighs."""
    rows = []
    x = seed * 2654435761 & 0xffffffff
    for y in range(height):
        if y % 8 == 0:
            blocks = []
            for _b in range(width // 8):
                x = (x * 1103515245 + 12345) & 0xffffffff
                blocks.append(bytes(((x >> 8) & 255, (x >> 16) & 255, (x >> 24) & 255)) * 8)
            line = b"\x00" + b"".join(blocks)
        rows.append(line)
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))


GALLERY_PAGES = 3
IMAGES_PER_PAGE = 12


def gallery_page(n):
    imgs = "".join(f"<img src='img{n}-{i}.png' width=200 height=150>" for i in range(IMAGES_PER_PAGE))
    nxt = (f"location.href = 'page{n + 1}.html';" if n + 1 < GALLERY_PAGES
           else "document.title = 'done';")
    return f"""<!doctype html><title>page {n}</title><body style='margin:0;font:14px sans-serif'>
<h1>Gallery page {n}</h1><div>{imgs}</div><ul id=list></ul>
<script>
const list = document.getElementById('list');
for (let i = 0; i < 1500; i++) {{
  const li = document.createElement('li');
  li.textContent = 'Entry ' + i + ' on page {n}: ' + 'x'.repeat(i % 40);
  list.appendChild(li);
}}
window.addEventListener('load', () => setTimeout(() => {{ {nxt} }}, 300));
</script></body>"""


def gallery_files():
    files = {"index.html": gallery_page(0)}
    for n in range(1, GALLERY_PAGES):
        files[f"page{n}.html"] = gallery_page(n)
    for n in range(GALLERY_PAGES):
        for i in range(IMAGES_PER_PAGE):
            files[f"img{n}-{i}.png"] = png(400, 300, n * 100 + i + 1)
    return files


# ------------------------------------------------------------ measuring

def breakdown(pid):
    by = bl.tree_pss_by_name(pid)
    out = {"total": sum(by.values()) / 1024}
    for comm, kib in by.items():
        key = NAMES.get(comm, "other")
        out[key] = out.get(key, 0) + kib / 1024
    out["network_processes"] = sum(1 for p in bl.process_tree(pid) if bl.proc_name(p) == "WebKitNetworkPr")
    out["web_processes"] = sum(1 for p in bl.process_tree(pid) if bl.proc_name(p) == "WebKitWebProces")
    return out


def wait_title(read, what, timeout):
    deadline = time.monotonic() + timeout
    while True:
        title = read()
        if title.startswith("done"):
            return title
        if time.monotonic() > deadline:
            raise BenchError(f"{what} did not finish within {timeout:.0f} s (title {title!r})")
        time.sleep(0.2)


def window_title(comp):
    for w in comp.control({"cmd": "windows"}).get("windows", []):
        return w.get("title", "") or ""
    return ""


def measure_host(setup, case, app, a):
    comp = setup.apps.start(SOCKET, ["--config", setup.configs[case]])
    try:
        m23.launch(comp, app)
        title = wait_title(lambda: window_title(comp), f"{app} ({case})", a.timeout)
        time.sleep(a.settle)
        m = breakdown(m23.host_pid(comp, app))
        m["times"] = [int(x) for x in title.split()[1:]]
        return m
    finally:
        comp.stop()


def measure_standby(setup, a):
    # PackagedApps.start passes --prestart 0; a later flag wins.
    comp = setup.apps.start(SOCKET, ["--config", setup.configs["standby"], "--prestart", "1"])
    try:
        pid = m23.ready_standby(comp, a.timeout)
        time.sleep(a.settle)
        return breakdown(pid)
    finally:
        comp.stop()


def probe_env(comp):
    rd = comp.runtime_dir
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "USER", "LANG", "TZ") or k.startswith("LC_")}
    env.update(HOME=rd, XDG_RUNTIME_DIR=rd, WAYLAND_DISPLAY=SOCKET,
               XDG_DATA_HOME=os.path.join(rd, "probe-data"), XDG_CACHE_HOME=os.path.join(rd, "probe-cache"),
               XDG_CONFIG_HOME=os.path.join(rd, "config"))
    return env


def probe_titles(log_path, n):
    """The last title of each of the n apps, from the probe's stdout."""
    titles = [""] * n
    try:
        with open(log_path, errors="replace") as f:
            for line in f:
                parts = line.rstrip("\n").split(" ", 2)
                if parts[0] == "title" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < n:
                    titles[int(parts[1])] = parts[2]
    except OSError:
        pass
    return titles


def measure_probe(setup, a, processes, apps_each, extra=()):
    """`processes` probe processes with `apps_each` gallery apps each, in one
    compositor; returns the summed breakdown over all of them."""
    comp = setup.apps.start(SOCKET, ["--config", setup.configs["default"]])
    children = []
    try:
        for i in range(processes):
            log_path = os.path.join(comp.runtime_dir, f"probe-{i}.log")
            children.append((bl.Child([setup.probe, "--apps", str(apps_each), *extra, setup.gallery_url],
                                      probe_env(comp), log_path, name="webkit_cost"), log_path))
        for child, log_path in children:
            def read(log_path=log_path, child=child):
                if child.proc.poll() is not None:
                    raise BenchError(f"webkit_cost exited ({child.proc.returncode}): {child.log_tail()}")
                titles = probe_titles(log_path, apps_each)
                return "done" if all(t.startswith("done") for t in titles) else ",".join(titles)
            wait_title(read, "the probe's gallery", a.timeout)
        time.sleep(a.settle)
        total = {}
        for child, _log in children:
            for k, v in breakdown(child.pid).items():
                total[k] = total.get(k, 0) + v
        return total
    finally:
        for child, _log in children:
            child.stop()
        comp.stop()


class Setup:
    def __init__(self, a):
        self.apps = bl.PackagedApps(a.build_dir, "bench-app-cost-",
                                    [("gallery", gallery_files()), ("script", jit_memory.SCRIPT_PAGE)])
        base = "[apps]\nfreeze_after = 0\n"
        pressure = f"web_memory_limit = {a.limit}\nweb_memory_poll = {a.poll}\n"
        self.configs = {
            "default": self.apps.config("default", base + "prestart = 0\n"),
            "JIT off": self.apps.config("jit-off", base + "prestart = 0\njavascript_jit = off\n"),
            "pressure": self.apps.config("pressure", base + "prestart = 0\n" + pressure),
            "W700": self.apps.config("w700", base + "prestart = 0\njavascript_jit = off\n" + pressure),
            "standby": self.apps.config("standby", base + "prestart = 1\n"),
        }
        self.gallery_url = "file://" + os.path.join(self.apps.root, "packages", "gallery", "index.html")
        self.probe = bl.require_executable(os.path.join(os.path.abspath(a.build_dir), "bench", "webkit_cost"),
                                           "bench/webkit_cost", "build it: ninja -C BUILD bench/webkit_cost")


# ------------------------------------------------------------ output

def med(ms, key):
    vals = [m.get(key, 0) for m in ms]
    return statistics.median(vals) if vals else None


def row(label, ms, times=None):
    cells = [f"{med(ms, k):.0f}" for k in ("total", "host", "web", "network")]
    procs = f"{med(ms, 'web_processes'):.0f} / {med(ms, 'network_processes'):.0f}"
    t = "—"
    if times:
        firsts = [m["times"][0] for m in times if m.get("times")]
        seconds = [m["times"][1] for m in times if len(m.get("times", [])) > 1]
        if firsts and seconds:
            t = f"{statistics.median(firsts):.0f} / {statistics.median(seconds):.0f} ms"
    print(f"| {label} | " + " | ".join(cells) + f" | {procs} | {t} |")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", default=os.path.join(bl.REPO, "build"))
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--settle", type=float, default=6.0, help="s between the page's done and the reading")
    p.add_argument("--limit", default="160M", help="web_memory_limit of the pressure and W700 cases")
    p.add_argument("--poll", default="2s", help="web_memory_poll of the pressure and W700 cases")
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("--cases", default="default,JIT off,pressure,W700",
                   help="host cases, comma-separated (default: all)")
    p.add_argument("--no-probe", action="store_true", help="leave out the probe's cases")
    a = p.parse_args()
    setup = Setup(a)
    limit_mib = bl_size_mib(a.limit)
    poll_s = float(a.poll.rstrip("ms")) / (1000 if a.poll.endswith("ms") else 1)
    host, probe = {}, {}
    cases = [c for c in a.cases.split(",") if c]
    for r in range(a.rounds):
        for case in cases:
            for app in ("gallery", "script"):
                m = measure_host(setup, case, app, a)
                host.setdefault((case, app), []).append(m)
                log(f"round {r + 1}: {case}, {app}: {m['total']:.0f} MiB (web {m.get('web', 0):.0f}) {m['times']}")
        m = measure_standby(setup, a)
        host.setdefault(("standby", None), []).append(m)
        log(f"round {r + 1}: standby host: {m['total']:.0f} MiB")
        if a.no_probe:
            continue
        pressure = ["--memory-limit", str(limit_mib), "--poll", str(poll_s)]
        for label, procs, each, extra in (
                ("probe, document viewer (the host's)", 1, 1, ["--cache-model", "document-viewer"]),
                ("probe, web browser", 1, 1, ["--cache-model", "web-browser"]),
                ("probe, document viewer, pressure", 1, 1, ["--cache-model", "document-viewer", *pressure]),
                ("probe: 2 apps in 2 processes", 2, 1, []),
                ("probe: 2 apps in 1 process", 1, 2, [])):
            m = measure_probe(setup, a, procs, each, extra)
            probe.setdefault(label, []).append(m)
            log(f"round {r + 1}: {label}: {m['total']:.0f} MiB, {m['network_processes']} network process(es)")

    print(f"## Per-app cost: summed PSS (MiB) {a.settle:g} s after the page is done (median of "
          f"{a.rounds} fresh launch(es) each)\n")
    print("| case | app PSS | host (UI) | web | network | web / network processes | script: 1st / 2nd run |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for case in cases:
        row(f"{case}: gallery", host[(case, "gallery")])
        row(f"{case}: script", host[(case, "script")], host[(case, "script")])
    row("standby host (idle, no app)", host[("standby", None)])
    for label, ms in probe.items():
        row(f"{label}: gallery", ms)
    print()
    print(f"pressure = `web_memory_limit = {a.limit}`, `web_memory_poll = {a.poll}` (WebKit's thresholds: "
          "conservative 33 %, strict 50 % of the limit; no kill threshold). The probe rows are "
          "bench/webkit_cost with the gallery's pages from file://.")
    return 0


def bl_size_mib(text):
    units = {"K": 1 / 1024, "M": 1, "G": 1024}
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(int(text) / (1 << 20))


if __name__ == "__main__":
    bl.run_main(main)
