#!/usr/bin/env python3
"""Add to Home Screen (issue 20): a ~500 KB hosted app on 127.0.0.1 behind
cirrus-weak-link, on the `good` and `3g` profiles, with the real compositor,
shell, Browser host and installer headless.

Measured per run (each run a fresh app: the same files under another path,
so another app id and nothing stored before):

- menu → sheet: from the tap on the Browser menu's "Add to Home Screen" to
  the shell's first frame of the sheet (`cirrus-install` in the shell's frame
  log): the installer's plan (page, manifest, icons fetched over the link);
- Add → icon: from the tap on the sheet's Add to the end of the shell's
  first home-screen frame after it (`cirrus-home`): the app's tile, drawn
  from the compositor's install_progress (goal at most 300 ms);
- Add → offline-ready: from the same tap to the registry's row saying
  offline_ready (polled every 5 ms with SQLite, as `cirrus info` reads it).

The peer, in the same invocation, on the same link and the same registry:
the CLI without the sheet: `cirrus install --plan --json URL` (the plan
alone, what the sheet waits for) and `cirrus install URL` (exec to exit;
it exits once the offline copy is stored, checked in the registry after).
"""

import argparse
import http.server
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import zlib
import struct

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

WIDTH, HEIGHT = bl.WIDTH, bl.HEIGHT


def png(size, rgb):
    """A one-colour RGB PNG, size x size (the app's icon)."""
    row = b"\x00" + bytes(rgb) * size
    raw = zlib.compress(row * size)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def app_files(total_kb):
    """The app's files (path -> (content type, bytes)) under a run's prefix:
    a page, its manifest, an icon, a stylesheet, two scripts and an image,
    about total_kb KB in all; the filler is random, so that nothing on the
    way compresses it."""
    rng = random.Random(20)

    def filler(n):
        return bytes(rng.getrandbits(8) for _ in range(n))
    icon = png(192, (0x20, 0x70, 0xd0))
    rest = total_kb * 1000 - len(icon) - 2000
    js_a, js_b, css, img = int(rest * 0.45), int(rest * 0.25), int(rest * 0.10), 0
    img = rest - js_a - js_b - css
    comment = lambda n: b"/* " + filler(n - 6).replace(b"*/", b"xx") + b" */"  # noqa: E731
    return {
        "manifest.webmanifest": ("application/manifest+json", json.dumps(
            {"name": "Bench Paper", "start_url": "./index.html", "display": "standalone",
             "background_color": "#ffffff",
             "icons": [{"src": "icon.png", "sizes": "192x192", "type": "image/png"}]}).encode()),
        "icon.png": ("image/png", icon),
        "style.css": ("text/css", b"body{margin:0;background:#fff}" + comment(css)),
        "app.js": ("text/javascript", b"var a=1;" + comment(js_a)),
        "lib.js": ("text/javascript", b"var b=2;" + comment(js_b)),
        "photo.jpg": ("image/jpeg", filler(img)),
    }


def index_html(title):
    return ("<!doctype html><html><head><meta charset=utf-8><title>%s</title>"
            "<link rel=manifest href=manifest.webmanifest><link rel=stylesheet href=style.css>"
            "<script src=lib.js></script><script src=app.js></script></head>"
            "<body style='margin:0;background:#00ff00;min-height:100vh'><img src=photo.jpg width=1 height=1>"
            "</body></html>" % title).encode()


class Origin:
    """The app's origin on 127.0.0.1: /PREFIX/FILE for any prefix, the page's
    title naming the prefix (so the Browser's title says which run it shows)."""

    def __init__(self, files):
        self.files = files
        origin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                parts = self.path.split("?", 1)[0].strip("/").split("/")
                body = None
                if len(parts) == 2 and parts[1] == "index.html":
                    ctype, body = "text/html", index_html("Bench " + parts[0])
                elif len(parts) == 2 and parts[1] in origin.files:
                    ctype, body = origin.files[parts[1]]
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "max-age=3600")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class FrameLog:
    """The shell's frame log (CIRRUS_SHELL_FRAME_LOG): `NAMESPACE START_US
    WALL_US CPU_US`, start in CLOCK_MONOTONIC like time.monotonic()."""

    def __init__(self, path):
        self.path = path

    def first_after(self, name_space, t0):
        """End (s, monotonic) of the first frame of `name_space` that started at or after t0."""
        try:
            with open(self.path) as f:
                for line in f:
                    fields = line.split()
                    if len(fields) >= 3 and fields[0] == name_space:
                        start, wall = int(fields[1]) / 1e6, int(fields[2]) / 1e6
                        if start >= t0:
                            return start + wall
        except OSError:
            pass
        return None


def offline_ready(registry, start_url):
    """None: no row yet; else whether the row says offline-ready."""
    try:
        db = sqlite3.connect(f"file:{registry}?mode=ro", uri=True, timeout=1)
        try:
            row = db.execute("SELECT offline_ready FROM apps WHERE start_url = ?", (start_url,)).fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return None if row is None else bool(row[0])


def wait(pred, timeout, what, comp=None, step=0.005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(step)
    tail = ("\n" + comp.log_tail(30)) if comp else ""
    raise bl.BenchError(f"no {what} within {timeout:.0f} s{tail}")


class Phone:
    """Cirrus with its shell and the bundled apps (the Browser) on a private
    registry, the shell's frame log on."""

    def __init__(self, build, root):
        self.build = build
        self.root = root
        self.cli = os.path.join(build, "launcher", "cirrus")
        self.data = os.path.join(root, "data")
        self.registry = os.path.join(root, "registry.db")
        self.frames = FrameLog(os.path.join(root, "frames.log"))
        self.add_button = add_button_centre()
        self.env = dict(os.environ, HOME=root, XDG_DATA_HOME=self.data, CIRRUS_REGISTRY=self.registry)
        r = subprocess.run([self.cli, "--registry", self.registry, "install-bundled"], env=self.env,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
        if r.returncode != 0:
            raise bl.BenchError(f"cirrus install-bundled failed: {(r.stderr or r.stdout)[-500:]}")
        self.comp = bl.Cirrus(None, bl.default_cirrus(build), socket_name="wayland-bench-a2hs")
        self.comp.start(["--shell", os.path.join(build, "shell", "cirrus-shell"),
                         "--app-host", os.path.join(build, "webapp-host", "cirrus-webapp-host")],
                        {"XDG_DATA_HOME": self.data, "CIRRUS_REGISTRY": self.registry,
                         "CIRRUS_SHELL_FRAME_LOG": self.frames.path})
        self.comp.wait_ready(timeout=20)
        wait(lambda: self.layer("cirrus-home"), 30, "home screen", self.comp, 0.05)

    def control(self, request, timeout=10):
        r = self.comp.control(request, timeout=timeout)
        if not r.get("ok"):
            raise bl.BenchError(f"{request} failed: {r}")
        return r

    def layer(self, name_space):
        return any(l["namespace"] == name_space and l.get("mapped")
                   for l in self.control({"cmd": "layers"})["layers"])

    def browser_window(self):
        for w in self.control({"cmd": "windows"})["windows"]:
            if w.get("app") == "browser":
                return w
        return None

    def pixel(self, x, y):
        shot = os.path.join(self.root, "shot.png")
        self.control({"cmd": "screenshot", "path": shot})
        _w, _h, channels, rows = bl.read_png_rows(shot, max_rows=y + 1)
        return tuple(rows[y][x * channels:x * channels + 3])

    def tap(self, x, y):
        self.control({"cmd": "tap", "x": int(x), "y": int(y)})

    def add_to_home(self, url, title):
        """One run: the Browser at url, its menu, the sheet, Add. Returns
        (menu→sheet, Add→icon, Add→offline-ready) in seconds."""
        self.control({"cmd": "launch", "app": "browser", "url": url})
        wait(lambda: (self.browser_window() or {}).get("title", "").find(title) >= 0, 60,
             f"Browser showing {title!r}", self.comp, 0.05)
        wait(lambda: any(a["app"] == "browser" and not a.get("splash")
                         for a in self.control({"cmd": "apps"})["apps"]), 30, "Browser's splash down", self.comp)
        w = self.browser_window()
        right, bar = w["x"] + w["width"] - 12, w["y"] + 21
        entry = w["y"] + 42 + 23 + 46 * 3  # the menu's last entry (tests/webapp-host/test_add_to_home.cpp)
        wait(lambda: self.pixel(right, entry)[1] > 0xe0 and self.pixel(right, entry)[0] < 0x20, 60,
             "the page painted", self.comp, 0.05)
        self.tap(w["x"] + w["width"] - 22, bar)
        wait(lambda: self.pixel(right, entry) == (0xff, 0xff, 0xff), 10, "the Browser's menu", self.comp, 0.02)
        t_menu = time.monotonic()
        self.tap(right, entry)
        sheet_at = wait(lambda: self.frames.first_after("cirrus-install", t_menu), 120, "the sheet", self.comp)
        time.sleep(0.3)  # the person reads the sheet
        t_add = time.monotonic()
        self.tap(*self.add_button)
        ready_at = None
        icon_at = None
        deadline = t_add + 300
        while time.monotonic() < deadline and (ready_at is None or icon_at is None):
            if icon_at is None:
                icon_at = self.frames.first_after("cirrus-home", t_add)
            if ready_at is None and offline_ready(self.registry, url):
                ready_at = time.monotonic()
            time.sleep(0.005)
        if ready_at is None or icon_at is None:
            raise bl.BenchError(f"the app at {url}: icon {icon_at}, offline-ready {ready_at}\n"
                                + self.comp.log_tail(30))
        return sheet_at - t_menu, icon_at - t_add, ready_at - t_add

    def cli_install(self, url):
        """The peer: `cirrus install --plan --json URL`, then `cirrus install URL`."""
        t0 = time.monotonic()
        r = subprocess.run([self.cli, "install", "--plan", "--json", url], env=self.env, capture_output=True,
                           text=True, stdin=subprocess.DEVNULL, timeout=300)
        plan = time.monotonic() - t0
        if r.returncode != 0:
            raise bl.BenchError(f"cirrus install --plan --json {url}: {r.stderr[-400:]}")
        t0 = time.monotonic()
        r = subprocess.run([self.cli, "install", url], env=self.env, capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=300)
        install = time.monotonic() - t0
        if r.returncode != 0:
            raise bl.BenchError(f"cirrus install {url}: {r.stderr[-400:]}")
        if not offline_ready(self.registry, url):
            raise bl.BenchError(f"cirrus install {url} ended without the offline copy: {r.stdout[-400:]}")
        return plan, install


def add_button_centre(width=WIDTH, height=HEIGHT):
    """The centre of the sheet's Add: shell/permission_model.cpp's
    compute_prompt_geometry(width, height).allow (the sheet has the
    permission prompt's geometry); keep the two alike."""
    padding, button_height, line_height, lines = 20, 48, 17 * 3 // 2, 3
    dialog_width = max(200, min(width - 48, 320))
    dialog_height = padding + lines * line_height + padding + button_height
    x, y = (width - dialog_width) // 2, (height - dialog_height) // 2
    half = dialog_width // 2
    return x + half + (dialog_width - half) // 2, y + dialog_height - button_height + button_height // 2


def median_ms(values):
    return f"{statistics.median(values) * 1000:.0f}" if values else "—"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("-n", "--runs", type=int, default=3, help="runs per profile and path")
    ap.add_argument("--profiles", default="good,3g")
    ap.add_argument("--size-kb", type=int, default=500)
    args = ap.parse_args()
    build = os.path.abspath(args.build_dir)
    for rel, what in (("launcher/cirrus", "the cirrus CLI"), ("shell/cirrus-shell", "cirrus-shell"),
                      ("webapp-host/cirrus-webapp-host", "cirrus-webapp-host"),
                      ("tests/tools/cirrus-weak-link", "cirrus-weak-link")):
        bl.require_executable(os.path.join(build, rel), what, f"build it: ninja -C BUILD {rel}")
    bl.check_cirrus(bl.default_cirrus(build))

    files = app_files(args.size_kb)
    size = sum(len(b) for _t, b in files.values()) + len(index_html("Bench r00"))
    origin = Origin(files)
    root = bl.make_tempdir("bench-a2hs-")
    link = bl.WeakLink(os.path.join(build, "tests", "tools", "cirrus-weak-link"), origin.port,
                       log_path=os.path.join(root, "weak-link.log"))
    phone = Phone(build, root)
    results = {}
    run = 0
    for profile in args.profiles.split(","):
        link.set_profile(profile)
        sheet, icon, ready, plan, cli = [], [], [], [], []
        for i in range(args.runs):
            run += 1
            url = link.url(f"/r{run:02d}/index.html")
            s, ic, rd = phone.add_to_home(url, f"Bench r{run:02d}")
            sheet.append(s)
            icon.append(ic)
            ready.append(rd)
            bl.log(f"{profile} #{i + 1}: menu->sheet {s * 1000:.0f} ms, Add->icon {ic * 1000:.0f} ms, "
                   f"Add->offline-ready {rd * 1000:.0f} ms")
            link.wait_idle()
            run += 1
            p, c = phone.cli_install(link.url(f"/r{run:02d}/index.html"))
            plan.append(p)
            cli.append(c)
            bl.log(f"{profile} #{i + 1}: cirrus install --plan {p * 1000:.0f} ms, cirrus install {c * 1000:.0f} ms")
            link.wait_idle()
        results[profile] = (sheet, icon, ready, plan, cli)
    phone.comp.stop()
    link.stop()
    origin.stop()

    print(f"\nAdd to Home Screen, a {size / 1000:.0f} KB hosted app on 127.0.0.1 behind cirrus-weak-link; "
          f"median of {args.runs} runs, ms\n")
    print("| profile | menu → sheet (plan) | `cirrus install --plan --json` | Add → icon on home | "
          "Add → offline-ready | `cirrus install` (exec → exit, offline-ready) |")
    print("| --- | --- | --- | --- | --- | --- |")
    met = True
    for profile, (sheet, icon, ready, plan, cli) in results.items():
        print(f"| {profile} | {median_ms(sheet)} | {median_ms(plan)} | {median_ms(icon)} (max {max(icon) * 1000:.0f}) "
              f"| {median_ms(ready)} | {median_ms(cli)} |")
        met = met and max(icon) <= 0.3
    print(f"\nGoal: Add → icon at most 300 ms: {'met' if met else 'NOT met'} (every run).")
    return 0 if met else 2



if __name__ == "__main__":
    bl.run_main(main)
