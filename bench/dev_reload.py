#!/usr/bin/env python3
"""`cirrus dev`: start to the app on screen, and save to the new content on
screen (issue 18; goal: p95 under 1 s over 20 edits).

A headless Cirrus (pixman, 1280x900) stands in for the developer's desktop;
`cirrus dev` runs as its client (the nested Cirrus on wlroots' Wayland
backend, with the real shell and web-app host) on a small app folder whose
style.css sets the page's colour. "On screen" is the nested Cirrus's own
output showing the page's colour at a point of the page, read back through
its control socket's screenshot, polled as fast as screenshots come: the
screenshot's own time (printed) bounds the resolution.

Start: from the exec of `cirrus dev` to the first screenshot showing the
page (-n runs, each a fresh session). Edits: style.css rewritten with the
next colour (one write and rename, as an editor saves), then screenshots
until the new colour shows.

The peer, in the same run: the loop a web developer has without Cirrus, a
live-reload server (as live-server or a bundler's dev server does: the page
holds an EventSource, a change in the folder makes it reload) and a bare
WebKit browser on the same desktop (cog, WPE WebKit), measured the same way
on the desktop's own screenshots.
"""

import argparse
import http.server
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

COLOURS = [(0xff, 0, 0), (0, 0xc0, 0), (0, 0, 0xff), (0xff, 0xa0, 0), (0x80, 0, 0x80)]
PROBE = (240, 500)  # below the status bar and the heading


def write_app(folder, colour):
    os.makedirs(folder, exist_ok=True)
    bl.write_text(os.path.join(folder, "index.html"),
                  "<!doctype html><html><head><title>Bench Probe</title>"
                  "<link rel=stylesheet href=style.css></head><body><h1>Probe</h1></body></html>")
    bl.write_text(os.path.join(folder, "manifest.webmanifest"),
                  '{"name": "Bench Probe", "start_url": "index.html", "display": "standalone"}')
    save_colour(folder, colour)


def save_colour(folder, colour):
    tmp = os.path.join(folder, ".style.css.new")
    with open(tmp, "w") as f:
        f.write("body { background: #%02x%02x%02x; }\n" % colour)
    os.rename(tmp, os.path.join(folder, "style.css"))


def control(path, request, timeout=10):
    return bl.control_request(path, request, timeout)


def probe_colour(control_path, shot):
    r = control(control_path, {"cmd": "screenshot", "path": shot})
    if not r.get("ok"):
        return None
    _w, _h, channels, rows = bl.read_png_rows(shot, max_rows=PROBE[1] + 1)
    px = rows[PROBE[1]][PROBE[0] * channels:PROBE[0] * channels + 3]
    return tuple(px)


def close(a, b, tol=10):
    return a is not None and all(abs(x - y) <= tol for x, y in zip(a, b))


def start_dev(cli, desktop, folder, log_path):
    env = dict(os.environ)
    env.update({"WAYLAND_DISPLAY": desktop.socket_name, "XDG_RUNTIME_DIR": desktop.runtime_dir,
                "WLR_BACKENDS": "wayland", "WLR_RENDERER": "pixman", "TMPDIR": desktop.runtime_dir,
                "DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/nonexistent"})
    env.pop("DISPLAY", None)
    t0 = time.monotonic()
    child = bl.Child([cli, "dev", folder], env, log_path, name="cirrus dev")
    return child, t0


def control_path_of(child, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(child.log_path, errors="replace") as f:
                m = re.search(r"control socket: (\S+)", f.read())
            if m and os.path.exists(m.group(1)):
                return m.group(1)
        except OSError:
            pass
        if child.proc.poll() is not None:
            raise bl.BenchError("cirrus dev ended: " + child.log_tail())
        time.sleep(0.01)
    raise bl.BenchError("cirrus dev printed no control socket: " + child.log_tail())


def wait_colour(control_path, shot, colour, timeout=30):
    """Seconds until the screen shows `colour` (from now), and the screenshots taken."""
    t0 = time.monotonic()
    shots = 0
    while time.monotonic() - t0 < timeout:
        try:
            seen = probe_colour(control_path, shot)
        except (OSError, ValueError, bl.BenchError):
            seen = None
        shots += 1
        if close(seen, colour):
            return time.monotonic() - t0, shots
    raise bl.BenchError(f"the colour #{'%02x%02x%02x' % colour} did not show within {timeout} s")


RELOAD_SCRIPT = b"<script>new EventSource('/__reload').onmessage = () => location.reload();</script>"


class LiveReload:
    """Serves `folder` on 127.0.0.1 with a reload script in each HTML page;
    a change in the folder (its files' mtimes, looked at every 20 ms, as
    live-server's watcher sees a save) tells every open page to reload."""

    def __init__(self, folder):
        self.folder = folder
        self.generation = 0
        self.changed = threading.Condition()
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **kw):
                super().__init__(*a, directory=folder, **kw)

            def log_message(self, *a):
                pass

            def end_headers(self):
                self.send_header("Cache-Control", "no-store")
                super().end_headers()

            def do_GET(self):
                if self.path == "/__reload":
                    return self.events()
                path = self.translate_path(self.path)
                if os.path.isdir(path):
                    path = os.path.join(path, "index.html")
                if path.endswith(".html") and os.path.isfile(path):
                    with open(path, "rb") as f:
                        body = f.read().replace(b"</body>", RELOAD_SCRIPT + b"</body>")
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return None
                return super().do_GET()

            def events(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                seen = outer.generation
                try:
                    while outer.running:
                        with outer.changed:
                            outer.changed.wait_for(lambda: outer.generation != seen or not outer.running, 1.0)
                        if outer.generation != seen:
                            seen = outer.generation
                            self.wfile.write(b"data: reload\n\n")
                            self.wfile.flush()
                except OSError:
                    pass

        self.running = True
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        threading.Thread(target=self.watch, daemon=True).start()

    def signature(self):
        try:
            return tuple(sorted((e.name, e.stat().st_mtime_ns) for e in os.scandir(self.folder)))
        except OSError:
            return ()

    def watch(self):
        last = self.signature()
        while self.running:
            time.sleep(0.02)
            now = self.signature()
            if now != last:
                last = now
                with self.changed:
                    self.generation += 1
                    self.changed.notify_all()

    def stop(self):
        self.running = False
        with self.changed:
            self.changed.notify_all()
        self.server.shutdown()


def peer_run(desktop, folder, edits, starts):
    """The peer on the desktop: cog on the live-reload server. Returns
    (start times, edit times) or None when cog is missing."""
    cog = shutil.which("cog")
    if not cog:
        bl.log("cog not found (apt-get install cog): no peer")
        return None
    shot = os.path.join(desktop.runtime_dir, "peer.png")
    env = dict(os.environ)
    env.update({"WAYLAND_DISPLAY": desktop.socket_name, "XDG_RUNTIME_DIR": desktop.runtime_dir})
    env.pop("DISPLAY", None)
    peer_starts, peer_edits = [], []
    for run in range(starts):
        write_app(folder, COLOURS[0])
        server = LiveReload(folder)
        t0 = time.monotonic()
        child = bl.Child([cog, "-P", "wl", server.url], env, os.path.join(desktop.runtime_dir, f"cog-{run}.log"),
                         name="cog")
        try:
            wait_colour(desktop.control_path, shot, COLOURS[0], timeout=90)
            peer_starts.append(time.monotonic() - t0)
            bl.log(f"peer start {run + 1}: {peer_starts[-1] * 1000:.0f} ms")
            if run == starts - 1:
                time.sleep(1.0)
                for i in range(edits):
                    colour = COLOURS[(i + 1) % len(COLOURS)]
                    save_colour(folder, colour)
                    seconds, _ = wait_colour(desktop.control_path, shot, colour)
                    peer_edits.append(seconds)
                    time.sleep(0.3)
        finally:
            child.stop()
            server.stop()
    return peer_starts, peer_edits


def pct(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1)))))
    return values[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("-n", "--starts", type=int, default=3, help="fresh sessions for the start time")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--no-peer", action="store_true", help="leave out the live-reload server + cog peer")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    cli = os.path.join(build, "launcher", "cirrus")
    bl.require_executable(cli, "cirrus", "build it: ninja -C build launcher/cirrus")

    desktop = bl.Cirrus(None, bl.default_cirrus(build), socket_name="desktop")
    desktop.start(extra_args=("--size", "1280x900"))
    desktop.wait_ready()
    folder = os.path.join(desktop.runtime_dir, "bench-probe")
    shot = os.path.join(desktop.runtime_dir, "probe.png")

    starts, edits, shot_times = [], [], []
    for run in range(args.starts):
        write_app(folder, COLOURS[0])
        child, t0 = start_dev(cli, desktop, folder, os.path.join(desktop.runtime_dir, f"dev-{run}.log"))
        path = control_path_of(child)
        waited, _ = wait_colour(path, shot, COLOURS[0], timeout=90)
        starts.append(time.monotonic() - t0)
        bl.log(f"start {run + 1}: {starts[-1] * 1000:.0f} ms")
        if run == args.starts - 1:
            time.sleep(1.0)  # settled: the standby host and the shell are idle again
            for i in range(args.edits):
                colour = COLOURS[(i + 1) % len(COLOURS)]
                save_colour(folder, colour)
                seconds, shots = wait_colour(path, shot, colour)
                edits.append(seconds)
                shot_times.append(seconds / shots)
                time.sleep(0.3)
        child.stop()
    peer = None if args.no_peer else peer_run(desktop, folder, args.edits, args.starts)
    desktop.stop()

    def row(name, values):
        print(f"| {name} | {len(values)} | {statistics.median(values) * 1000:.0f} ms "
              f"| {pct(values, 95) * 1000:.0f} ms | {max(values) * 1000:.0f} ms |")

    print("| measure | n | median | p95 | max |")
    print("| --- | --- | --- | --- | --- |")
    row("`cirrus dev` start to app on screen", starts)
    if peer:
        row("peer: live-reload server + cog, start to page on screen", peer[0])
    row("`cirrus dev` save to new content on screen", edits)
    if peer:
        row("peer: live-reload server + cog, save to new content on screen", peer[1])
    print(f"\nScreenshot poll: about {statistics.median(shot_times) * 1000:.0f} ms a shot (the resolution). "
          f"Goal: save to screen p95 under 1 s: {'met' if pct(edits, 95) < 1.0 else 'NOT met'}.")
    return 0


if __name__ == "__main__":
    bl.run_main(main)
