#!/usr/bin/env python3
"""Issue 17, item 3: identical GETs in flight fetched once. Bytes and requests
that reach the origin for a page that asks for one slow, unstored image 30
times at once (15 <img>s and 15 fetch()es), with the host's coalescing off
(CIRRUS_FETCH_COALESCING=off: every request fetched on its own, the
behaviour before issue 17) and on, in the same run. See bench/README.md
("Fetch coalescing").

Set-up: an origin in this process (ThreadingHTTPServer on 127.0.0.1) serving
the page (no-store), its manifest, and a ~20 KB SVG that takes --delay s to
answer (max-age=600, so it is storable). The app is installed with the real
CLI into a temporary registry; each launch runs in a fresh headless Cirrus
whose data dir (and so offline store) is new, so the image is never stored
before it. A launch ends when the page's title says all 30 loads settled.
"""

import argparse
import os
import statistics
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import benchlib as bl
from benchlib import BenchError, log
import m2_m3_webapps as m23

SOCKET = "wayland-coalesce"

PAGE = b"""<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head><body><script>
const N = 30; let ok = 0, failed = 0;
function settle(good) {
  if (good) ok++; else failed++;
  if (ok + failed === N) document.title = 'repeat done ok=' + ok + ' failed=' + failed;
}
for (let i = 0; i < N; i++) {
  if (i % 2 === 0) {
    const img = new Image();
    img.onload = () => settle(img.naturalWidth === 64);
    img.onerror = () => settle(false);
    img.src = 'photo.svg';
    document.body.appendChild(img);
  } else {
    fetch('photo.svg').then(r => r.ok ? r.text() : '').then(t => settle(t.includes('<svg')), () => settle(false));
  }
}
</script></body></html>"""

MANIFEST = b'{"name":"Repeat","start_url":"/repeat/","scope":"/repeat/","display":"standalone"}'


def photo_svg():
    rects = "".join(f'<rect x="{i % 64}" y="{(i * 7) % 64}" width="3" height="3" fill="#{(i * 2654435761) % 0xffffff:06x}"/>'
                    for i in range(280))
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">' + rects + "</svg>").encode()


class Origin:
    def __init__(self, delay):
        self.photo = photo_svg()
        self.requests = []  # (path, body bytes)
        self.lock = threading.Lock()
        origin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                path = self.path.split("?", 1)[0]
                routes = {"/repeat/": ("text/html", "no-store", PAGE),
                          "/repeat/manifest.webmanifest": ("application/manifest+json", "max-age=600", MANIFEST),
                          "/repeat/photo.svg": ("image/svg+xml", "max-age=600", origin.photo)}
                if path not in routes:
                    self.send_error(404)
                    return
                ctype, cc, body = routes[path]
                if path.endswith(".svg"):
                    time.sleep(delay)
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Cache-Control", cc)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with origin.lock:
                    origin.requests.append((path, len(body)))

            def log_message(self, *_args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def mark(self):
        with self.lock:
            return len(self.requests)

    def since(self, mark):
        with self.lock:
            return list(self.requests[mark:])


def install(cli, root, registry, url):
    env = dict(os.environ, HOME=root, XDG_DATA_HOME=os.path.join(root, "install-data"))
    r = subprocess.run([cli, "--registry", registry, "install", url], env=env, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=60)
    if r.returncode != 0:
        raise BenchError(f"`cirrus install {url}` failed: {(r.stderr or r.stdout)[-800:]}")
    for line in r.stdout.splitlines():
        if line.startswith(("installed ", "updated ")):
            return line.split()[1]
    raise BenchError(f"`cirrus install {url}` printed no app id: {r.stdout[-500:]}")


def run_once(cirrus, registry, app, origin, coalescing, timeout=60):
    comp = bl.Cirrus(None, cirrus, socket_name=SOCKET)
    data = os.path.join(comp.runtime_dir, "data")  # a fresh offline store
    os.makedirs(data, 0o700)
    comp.start([], {"XDG_DATA_HOME": data, "CIRRUS_REGISTRY": registry, "CIRRUS_FETCH_COALESCING": coalescing})
    try:
        comp.wait_ready(timeout=15)
        mark = origin.mark()
        t0, _ = m23.launch(comp, app)
        title = ""
        deadline = time.monotonic() + timeout
        while not title.startswith("repeat done"):
            if time.monotonic() > deadline:
                raise BenchError(f"coalescing {coalescing}: the page did not finish in {timeout} s ({title!r})")
            time.sleep(0.1)
            for w in comp.control({"cmd": "windows"}).get("windows", []):
                title = w.get("title", "") or ""
        seconds = time.monotonic() - t0
        seen = origin.since(mark)
        photo = [n for p, n in seen if p.endswith(".svg")]
        return {"title": title, "photo_requests": len(photo), "photo_bytes": sum(photo),
                "all_requests": len(seen), "all_bytes": sum(n for _, n in seen), "seconds": seconds}
    finally:
        comp.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", default=os.path.join(bl.REPO, "build"))
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--delay", type=float, default=1.5, help="seconds the origin takes to send the image")
    a = p.parse_args()
    build = os.path.abspath(a.build_dir)
    cirrus = bl.check_cirrus(bl.default_cirrus(build))
    cli = bl.require_executable(os.path.join(build, "launcher", "cirrus"), "the cirrus CLI",
                                "build it: ninja -C BUILD launcher/cirrus")
    bl.require_executable(os.path.join(build, "webapp-host", "cirrus-webapp-host"), "cirrus-webapp-host",
                          "build it: ninja -C BUILD webapp-host/cirrus-webapp-host")
    root = bl.make_tempdir("bench-coalesce-")
    registry = os.path.join(root, "registry.db")
    origin = Origin(a.delay)
    app = install(cli, root, registry, origin.url("/repeat/"))
    results = {"off": [], "on": []}
    for r in range(a.rounds):
        for mode in ("off", "on"):
            m = run_once(cirrus, registry, app, origin, mode)
            results[mode].append(m)
            log(f"round {r + 1}/{a.rounds}, coalescing {mode}: {m['photo_requests']} image requests, "
                f"{m['photo_bytes']} B; {m['title']}; {m['seconds']:.1f} s")
    print(f"## Identical GETs in flight: one slow ({a.delay:g} s), unstored {len(origin.photo)} B image asked for "
          f"30 times (medians of {a.rounds} launches, each with an empty store)\n")
    print("| host | image requests at the origin | image bytes upstream | all bytes upstream (page + image) "
          "| loads that succeeded | launch to all settled |")
    print("| --- | --- | --- | --- | --- | --- |")
    labels = {"off": "before (CIRRUS_FETCH_COALESCING=off)", "on": "after (coalescing, the default)"}
    for mode in ("off", "on"):
        ms = results[mode]

        def med(key):
            return statistics.median(m[key] for m in ms)
        ok = statistics.median(int(m["title"].split("ok=")[1].split()[0]) for m in ms)
        print(f"| {labels[mode]} | {med('photo_requests'):.0f} | {med('photo_bytes'):.0f} B | "
              f"{med('all_bytes'):.0f} B | {ok:.0f}/30 | {med('seconds'):.1f} s |")
    print()
    return 0


if __name__ == "__main__":
    bl.run_main(main)
