#!/usr/bin/env python3
"""M7, offline launch: a cached hosted app launched on 3g-slow, offline and in
a dead zone, beside the same app loaded straight from the network on 3g-slow,
in the same run. See bench/README.md ("M7 — offline launch") and
docs/ARCHITECTURE.md ("Benchmarks").

Goals (issue 5): cached first frame at most 1.0 s on 3g-slow; offline launch
within 10% of an online one.

Set-up: a small hosted app ("M7 Daily", a news page) served by an origin in
this process (http.server in a thread, HTTP/1.1 keep-alive, ETags) on
127.0.0.1, behind `cirrus-weak-link` (tests/tools/weak_link.cpp), installed
through the link with `cirrus --registry R install http://127.0.0.1:PORT/app/`.
The page: ~15 KB of HTML, a stylesheet that paints its header bar (the
"own content" probed on screen), a script that fetches an API JSON and lists
it, two ~20 KB images. Static assets say max-age=86400, the page and the API
no-cache (both with ETags). Cirrus compositors (headless, pixman, 480x800,
--no-shell, --prestart 0 unless --prestart N; see below for how many) run
with XDG_DATA_HOME, CIRRUS_REGISTRY and CIRRUS_OFFLINE_STORE in a temporary
dir, CIRRUS_LOG=info (their "link: CLASS" lines) and CIRRUS_WEBAPP_TRACE=1
(the hosts' start-up marks). Every launch is a fresh host (killed `--dwell`
s after its first frame; the compositor stays), timed from the control
socket's launch request:

- first frame: `first_frame_ms` from the compositor's `apps` (launch request
  to the host's report of the first frame of its page, DOMContentLoaded + two
  animation frames, after GTK painted it);
- on screen (cross-check): polled screenshots until the header bar shows the
  stylesheet's colour (as in m2_m3_webapps.py, but every 100 ms by default
  rather than 20: a screenshot costs the compositor ~8 ms of CPU, ~40% of a
  core at 20 ms, taken from the launch being timed on a small machine; so
  this is late by up to 100 ms).

Cases (each `-n` launches; rounds take the cases in turn, so that a change in
the machine's load touches all of them alike):

1. network, 3g-slow: the host finds no copy (this case's compositor points
   CIRRUS_OFFLINE_STORE at a store of its own, deleted before each launch) and
   loads the page, then its stylesheet, script, images and API, from the origin;
2. cached, none (online): the baseline for "offline within 10% of online";
3. cached, 3g-slow;
4. cached, blackhole (--no-blackhole leaves it out): connections hang, so the
   page's fetch neither answers nor fails and only the host's wait
   (request_policy.hpp document_network_wait) decides;
5. cached, offline: every connection reset at once;
6. cached, 3g-slow in a fresh compositor (--no-unmeasured leaves it out): a
   phone just booted, whose link estimate has no sample yet.

Service workers (issue 17; --no-service-worker leaves them out): the same
page served under /sw/ with a worker of its own ("M7 Worker": cache first for
the page and its files, network first with the cache behind for the API, all
precached at install), installed as a second app. Cirrus runs it as a browser
would (webapp-host/worker_routing.hpp: WebKit's navigation, nothing
rewritten). Its cases, in the none, 3g-slow and offline compositors above,
after one priming launch online that installs the worker and lets the host
record it:

7. worker app in Cirrus, on none, 3g-slow and offline;
8. the same app in a plain WebKitGTK window (bench/bare_webkit, default web
   context, its own XDG data and cache folders kept for the whole run, so its
   worker persists; primed online the same way), on the same three links,
   timed from exec to the header bar on screen (it reports no first frame).

The link estimate (compositor/policy/link_estimator.hpp) is the compositor's,
learnt from the hosts' transfers (weighted medians of the last 20 round trips
and throughputs, offline after 3 link failures in a row, a new online class
published only after it held 10 s) and told to each host when it binds
cirrus_app_v1; from its medians the host takes the document wait: offline 0,
no sample 0.5 s, else 1.5 x (3 RTT + 14.6 KB / throughput), but 0.3 s when
that is under 0.3 s or over 1 s. So each of cases 1-5 has a compositor of
its own, kept for all its launches and primed with one unreported launch on
its own link (blackhole's on 3g-slow, the link before the dead zone; the
none compositor's priming launch also fills the shared store): its estimate
is that of a phone that has been on that link for a while. With
--one-compositor every case runs in one compositor instead (a fill on none
before each round's cached cases), whose estimate then mixes every profile.

What the estimate was (from the compositors' "link: CLASS" lines, CIRRUS_LOG=
info, and the time each host held the page back, printed per launch):

- every compositor starts at 3g (a default route, unknown radio) with no
  sample, and only the offline one ever logged a change: 3g -> offline at
  the third reset (two per launch: the page and its API request), during its
  first measured launch; from then on its hosts show the copy at once;
- none: stays 3g, never good. The host's time to first byte is taken from
  before its cookie lookup (upstream_fetch.cpp: `started` is set in send(),
  before webkit_cookie_manager_get_cookies), and a host's first lookup waits
  for WebKit's network process to start: the page's sample is 50-300 ms on
  loopback (its API's a few ms), so the round-trip median flips across
  good's 150 ms bound and never holds good for 10 s; the page itself waits
  for that start too (it reaches the origin that long after the load began);
- 3g-slow and blackhole: 3g, round trips of ~2 s, no throughput sample (the
  stored assets are fresh: nothing big crosses): the 0.3 s wait;
- network: 3g (the images give ~200-400 kbit/s samples); no copy, no wait;
- fresh compositor: no sample: the 0.5 s wait;
- --one-compositor: the round-trip median lands now on a loopback sample,
  now on a 2 s one, now on one of the page's 150-300 ms samples between:
  cached 3g-slow and blackhole launches then wait 0.3-1.0 s.

Standard library only.
"""

import argparse
import glob
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402
from benchlib import BenchError, log  # noqa: E402
import m2_m3_webapps as m23  # noqa: E402  (Poller, launch, stop_host, startup_marks, ...)

SOCKET = "wayland-bench-m7"
HEADER_COLOUR = 0x00796b     # only the stylesheet paints it (the header bar)
PAGE_BACKGROUND = "#fff8e1"
MANIFEST_BACKGROUND = "#ffffff"   # the splash and the view's pre-paint colour
GOALS = ("Goals (issue 5): cached first frame at most 1.0 s on 3g-slow; offline launch within 10% "
         "of an online one. See bench/README.md, \"M7 — offline launch\".")
GOAL_CACHED_S = 1.0
GOAL_OFFLINE_RATIO = 1.10

# The app's resources, in the order a page load asks for them.
RESOURCES = [("/app/", "page"), ("/app/style.css", "style.css"), ("/app/app.js", "app.js"),
             ("/app/img/lead.png", "lead.png"), ("/app/img/map.png", "map.png"),
             ("/app/api/latest.json", "api JSON")]

# The service-worker cases (issue 17): (key, label, profile, runner).
SW_CASES = [
    ("sw none", "worker app in Cirrus, none (online)", "none", "cirrus"),
    ("sw 3g-slow", "worker app in Cirrus, 3g-slow", "3g-slow", "cirrus"),
    ("sw offline", "worker app in Cirrus, offline (reset)", "offline", "cirrus"),
    ("bare none", "worker app in bare WebKitGTK, none (online)", "none", "bare"),
    ("bare 3g-slow", "worker app in bare WebKitGTK, 3g-slow", "3g-slow", "bare"),
    ("bare offline", "worker app in bare WebKitGTK, offline (reset)", "offline", "bare"),
]

# The worker: cache first for the page and its files, network first (the
# cache behind it) for the API; everything precached at install.
SW_SCRIPT = """'use strict';
const CACHE = 'm7-worker-v1';
const FILES = ['./', 'style.css', 'app.js', 'img/lead.png', 'img/map.png', 'api/latest.json',
               'manifest.webmanifest'];
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  if (new URL(request.url).pathname.endsWith('/api/latest.json')) {
    event.respondWith(fetch(request).then((response) => {
      const copy = response.clone();
      caches.open(CACHE).then((c) => c.put(request, copy));
      return response;
    }).catch(() => caches.match(request)));
    return;
  }
  event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
});
"""

CASES = [
    # key, label, profile, store at launch
    ("network", "network, 3g-slow (no copy)", "3g-slow", "empty"),
    ("none", "cached, none (online)", "none", "filled"),
    ("3g-slow", "cached, 3g-slow", "3g-slow", "filled"),
    ("blackhole", "cached, blackhole (dead zone)", "blackhole", "filled"),
    ("offline", "cached, offline (reset)", "offline", "filled"),
    ("unmeasured", "cached, 3g-slow, fresh compositor (no link sample yet)", "3g-slow", "filled"),
]

# Host start-up marks (CIRRUS_WEBAPP_TRACE=1), printed in this order when present.
MARKS = ["main", "warm", "named", "display", "context", "shown", "web-process", "committed", "finished"]


# ------------------------------------------------------------------ the app

WORDS = ("the council market harbour train station weather river bridge school festival "
         "library road season morning evening report water price town village farmers "
         "bus line coast rain wind opens closes new old week plans city district north "
         "south east west local news update after before during says will could more "
         "than people service hours schedule works").split()


def sentences(rng, n):
    out = []
    for _ in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def png(width, height, rng):
    """An 8-bit RGB PNG of noise over a gradient: compresses hardly at all."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)
        for x in range(width):
            raw += bytes(((x * 255 // width + rng.randrange(64)) & 255,
                          (y * 255 // height + rng.randrange(64)) & 255,
                          rng.randrange(256)))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


def build_app():
    """{path: (content type, Cache-Control, body bytes)}."""
    rng = random.Random(7)
    articles = []
    for i in range(16):
        articles.append(f'<article id="a{i}"><h2><a href="#a{i}">{sentences(rng, 1)[:-1]}</a></h2>'
                        f'<p class="meta">Section {i % 4 + 1} · {i + 2} min read</p>'
                        f'<p>{sentences(rng, 9)}</p></article>')
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>M7 Daily</title>
<link rel="manifest" href="manifest.webmanifest">
<link rel="stylesheet" href="style.css">
</head><body>
<header class="bar"><h1>M7 Daily</h1></header>
<main>
<section class="lead">
<img src="img/lead.png" width="160" height="42" alt="">
<h2>{sentences(rng, 1)[:-1]}</h2>
<p>{sentences(rng, 3)}</p>
</section>
<section class="live"><h3>Latest</h3><ul id="latest"><li>Loading the latest…</li></ul></section>
{chr(10).join(articles[:8])}
<figure><img src="img/map.png" width="160" height="42" alt=""><figcaption>{sentences(rng, 1)}</figcaption></figure>
{chr(10).join(articles[8:])}
</main>
<footer><p>{sentences(rng, 2)}</p></footer>
<script src="app.js"></script>
</body></html>
"""
    css = f"""html, body {{ margin: 0; padding: 0; }}
body {{ background: {PAGE_BACKGROUND}; color: #212121; font: 15px/1.45 sans-serif; }}
.bar {{ position: sticky; top: 0; height: 56px; background: #{HEADER_COLOUR:06x}; color: #fff;
        display: flex; align-items: center; padding: 0 12px; box-shadow: 0 2px 4px rgba(0,0,0,.25); }}
.bar h1 {{ font-size: 20px; margin: 0; font-weight: 600; }}
main {{ padding: 8px 12px 24px; }}
.lead img, figure img {{ width: 100%; height: auto; display: block; border-radius: 4px;
                         image-rendering: pixelated; }}
.lead h2 {{ font-size: 22px; line-height: 1.2; margin: 10px 0 6px; }}
.live {{ background: #fff; border-left: 4px solid #{HEADER_COLOUR:06x}; padding: 4px 10px; margin: 12px 0; }}
.live h3 {{ margin: 4px 0; font-size: 14px; text-transform: uppercase; letter-spacing: .05em; }}
.live ul {{ margin: 0; padding-left: 18px; }}
.live li.fresh {{ font-weight: 600; }}
article {{ border-top: 1px solid #e0d6b8; padding: 8px 0; }}
article h2 {{ font-size: 17px; margin: 4px 0; }}
article h2 a {{ color: inherit; text-decoration: none; }}
article .meta {{ color: #757575; font-size: 12px; margin: 0; }}
figure {{ margin: 12px 0; }}
figcaption {{ font-size: 12px; color: #616161; }}
footer {{ background: #eceff1; color: #546e7a; padding: 12px; font-size: 12px; }}
@media (max-width: 360px) {{ body {{ font-size: 14px; }} .bar h1 {{ font-size: 18px; }} }}
"""
    js = """'use strict';
// M7 Daily: lists the latest stories from the API, through the offline cache.
(function () {
  const list = document.getElementById('latest');
  function when(iso) {
    const d = new Date(iso);
    return isNaN(d) ? '' : d.toISOString().slice(11, 16);
  }
  function render(data) {
    list.textContent = '';
    for (const item of data.items) {
      const li = document.createElement('li');
      li.textContent = when(item.at) + ' ' + item.title;
      if (item.fresh) li.className = 'fresh';
      list.appendChild(li);
    }
    document.title = 'M7 Daily · ' + data.items.length + ' stories';
  }
  fetch('api/latest.json', { headers: { 'Accept': 'application/json' } })
    .then(r => { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
    .then(render)
    .catch(e => { list.innerHTML = '<li>Offline: showing the stories you have.</li>';
                  document.title = 'M7 Daily · offline (' + e.message + ')'; });
  window.addEventListener('online', () => document.body.classList.remove('offline'));
  window.addEventListener('offline', () => document.body.classList.add('offline'));
})();
"""
    items = [{"title": sentences(rng, 1)[:-1], "at": f"2026-11-25T{8 + i // 2:02d}:{(i * 7) % 60:02d}:00Z",
              "fresh": i < 2, "id": 1000 + i} for i in range(12)]
    api = json.dumps({"updated": "2026-11-25T14:00:00Z", "items": items}, indent=1)
    manifest = json.dumps({"name": "M7 Daily", "short_name": "Daily", "start_url": "/app/",
                           "scope": "/app/", "display": "standalone",
                           "background_color": MANIFEST_BACKGROUND})
    asset = "public, max-age=86400"
    return {
        "/app/": ("text/html; charset=utf-8", "no-cache", html.encode()),
        "/app/manifest.webmanifest": ("application/manifest+json", asset, manifest.encode()),
        "/app/style.css": ("text/css", asset, css.encode()),
        "/app/app.js": ("text/javascript", asset, js.encode()),
        "/app/img/lead.png": ("image/png", asset, png(160, 42, rng)),
        "/app/img/map.png": ("image/png", asset, png(160, 42, rng)),
        "/app/api/latest.json": ("application/json", "no-cache", api.encode()),
    }


def build_worker_app(routes):
    """The same app under /sw/, whose page registers a worker of its own."""
    out = {}
    for path, (ctype, cc, body) in routes.items():
        if path == "/app/":
            body = body.replace(b'<script src="app.js"></script>',
                                b'<script src="app.js"></script>\n'
                                b"<script>if (navigator.serviceWorker) navigator.serviceWorker.register('sw.js');"
                                b"</script>")
        elif path == "/app/manifest.webmanifest":
            body = body.replace(b'"M7 Daily"', b'"M7 Worker"').replace(b'"/app/"', b'"/sw/"')
        out["/sw/" + path[len("/app/"):]] = (ctype, cc, body)
    out["/sw/sw.js"] = ("text/javascript", "no-cache", SW_SCRIPT.encode())
    return out


class Origin:
    """The app's origin: an HTTP/1.1 server on 127.0.0.1 in a thread, with
    ETags (If-None-Match answers 304), and a log of every request: when it
    arrived and when its answer was handed to the socket (monotonic s)."""

    def __init__(self, routes):
        self.routes = {p: (t, cc, body, '"%08x"' % zlib.crc32(body)) for p, (t, cc, body) in routes.items()}
        self.requests = []   # (t_arrived, t_sent, method, path, status, bytes)
        self.lock = threading.Lock()
        origin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "m7-origin"

            def do_GET(self):
                self._answer(True)

            def do_HEAD(self):
                self._answer(False)

            def _answer(self, with_body):
                t = time.monotonic()
                path = self.path.split("?", 1)[0].split("#", 1)[0]
                route = origin.routes.get(path)
                if route is None:
                    status, body, headers = 404, b"not found\n", [("Content-Type", "text/plain")]
                else:
                    ctype, cc, body, etag = route
                    headers = [("Content-Type", ctype), ("Cache-Control", cc), ("ETag", etag),
                               ("Last-Modified", "Wed, 25 Nov 2026 12:00:00 GMT")]
                    status = 304 if self.headers.get("If-None-Match") == etag else 200
                    if status == 304:
                        body = b""
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body and body:
                    self.wfile.write(body)
                with origin.lock:
                    origin.requests.append((t, time.monotonic(), self.command, path, status,
                                            len(body) if with_body else 0))

            def log_message(self, *_args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                # The link resets connections (offline): not the origin's error.
                if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def mark(self):
        with self.lock:
            return len(self.requests)

    def since(self, mark):
        with self.lock:
            return list(self.requests[mark:])

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def running(pid):
    """True while `pid` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


# ---------------------------------------------------------------- the store

def delete_store(path):
    for p in glob.glob(glob.escape(path) + "*"):
        os.unlink(p)
    if os.path.exists(path):
        raise BenchError(f"could not delete the offline store {path}")


def stored_urls(path, app):
    """The URLs the offline store holds for the app (read-only), or None."""
    if not os.path.exists(path):
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
        try:
            return {row[0] for row in db.execute(
                "SELECT url FROM entries WHERE app_id = ? AND method = 'GET' AND status = 200", (app,))}
        finally:
            db.close()
    except sqlite3.Error:
        return None


# ------------------------------------------------------------- the compositor

LINK_LINE = re.compile(rb"\blink: (offline|2g|3g|good)\b")


def link_classes(log_path, start, end=None):
    """The "link: CLASS" lines in the compositor's log between two offsets."""
    try:
        with open(log_path, "rb") as f:
            f.seek(start)
            data = f.read() if end is None else f.read(max(0, end - start))
    except OSError:
        return []
    return [m.group(1).decode() for m in LINK_LINE.finditer(data)]


def log_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class Bench:
    def __init__(self, args):
        self.args = a = args
        build = os.path.abspath(a.build_dir)
        self.cirrus_path = bl.check_cirrus(os.path.abspath(a.cirrus or bl.default_cirrus(build)))
        self.cli = bl.require_executable(
            os.path.abspath(a.cli or os.path.join(build, "launcher", "cirrus")),
            "the cirrus CLI", "build it (ninja -C BUILD launcher/cirrus) or pass --cli PATH")
        host_dir = os.path.join(os.path.dirname(os.path.dirname(self.cirrus_path)), "webapp-host")
        bl.require_executable(os.path.join(host_dir, "cirrus-webapp-host"),
                              "cirrus-webapp-host (the compositor starts it from beside compositor/)",
                              "ninja -C BUILD webapp-host/cirrus-webapp-host")
        ext = os.path.join(host_dir, "web-extension", "libcirrus-offline-extension.so")
        if not os.path.isfile(ext):
            raise BenchError(f"{ext} is missing (the host routes the page's requests through the offline "
                             "store with it): ninja -C BUILD "
                             "webapp-host/web-extension/libcirrus-offline-extension.so")
        self.weak_link_path = bl.require_executable(
            os.path.abspath(a.weak_link or os.path.join(build, "tests", "tools", "cirrus-weak-link")),
            "cirrus-weak-link", "ninja -C BUILD tests/tools/cirrus-weak-link, or pass --weak-link PATH")

        self.work = bl.make_tempdir("bench-m7-")
        self.data = os.path.join(self.work, "data")
        os.makedirs(os.path.join(self.data, "cirrus"), 0o700)
        self.store = os.path.join(self.data, "cirrus", "offline.sqlite")
        self.net_store = os.path.join(self.work, "network-case", "offline.sqlite")   # kept empty
        os.makedirs(os.path.dirname(self.net_store), 0o700)
        self.registry = os.path.join(self.work, "registry.db")

        self.loads = []   # 1-min load average at each launch's first frame
        self.routes = build_app()
        self.sw_routes = {} if a.no_service_worker else build_worker_app(self.routes)
        self.origin = Origin({**self.routes, **self.sw_routes})
        self.link = bl.WeakLink(self.weak_link_path, self.origin.port, "none", handshake=a.handshake,
                                log_path=os.path.join(self.work, "weak-link.log"))
        self.app = self.install()
        self.sw_app = None if a.no_service_worker else self.install("/sw/")
        self.bare = None
        if not a.no_service_worker:
            self.bare = bl.require_executable(
                os.path.abspath(a.bare_webkit or os.path.join(build, "bench", "bare_webkit")),
                "bench/bare_webkit (the worker app's peer)",
                "ninja -C BUILD bench/bare_webkit, or pass --bare-webkit PATH")
            self.bare_home = os.path.join(self.work, "bare")   # kept: its worker persists
        self.urls = {self.link.url(p) for p, _n in RESOURCES}

    def close(self):
        self.link.stop()
        self.origin.close()

    def install(self, path="/app/"):
        env = dict(os.environ, HOME=self.work, XDG_DATA_HOME=self.data, CIRRUS_OFFLINE_STORE=self.store)
        r = subprocess.run([self.cli, "--registry", self.registry, "install", self.link.url(path)],
                           env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
        out = r.stdout + r.stderr
        m = re.search(r"^(?:installed|updated) (\S+) \(", r.stdout, re.M)
        if r.returncode != 0 or not m:
            raise BenchError(f"`cirrus install {self.link.url(path)}` failed ({r.returncode}):\n{out[-1500:]}")
        log(f"installed {m.group(1)} from {self.link.url(path)}")
        return m.group(1)

    def info(self, app):
        env = dict(os.environ, HOME=self.work, XDG_DATA_HOME=self.data, CIRRUS_OFFLINE_STORE=self.store)
        r = subprocess.run([self.cli, "--registry", self.registry, "info", app], env=env, capture_output=True,
                           text=True, stdin=subprocess.DEVNULL, timeout=60)
        return r.stdout

    def worker_recorded(self):
        return os.path.exists(os.path.join(self.data, "cirrus", "app-data", self.sw_app, "cirrus-service-worker"))

    def start_cirrus(self, store=None):
        """A compositor whose hosts use the offline store `store` (default:
        the shared one in the data dir)."""
        a = self.args
        comp = bl.Cirrus(None, self.cirrus_path, socket_name=SOCKET)
        comp.store = store or self.store
        # One cache home for every compositor: WebKit keeps a worker's
        # CacheStorage there (its registrations go to the data folder).
        extra = {"XDG_DATA_HOME": self.data, "XDG_CACHE_HOME": os.path.join(self.work, "cache"),
                 "CIRRUS_REGISTRY": self.registry,
                 "CIRRUS_OFFLINE_STORE": comp.store, "CIRRUS_WEBAPP_TRACE": "1", "CIRRUS_LOG": "info"}
        comp.start(["--no-bundled-apps", "--no-shell", "--prestart", str(a.prestart)], extra)
        comp.wait_ready(timeout=15)
        m23.attach_poller(comp, a.poll_ms / 1000.0, a.check_ms / 1000.0)
        # The header bar's right end (no text there), near its top and bottom.
        w = comp.work_area[2]
        comp.probes = [(w - 8, 6, HEADER_COLOUR), (w - 8, 48, HEADER_COLOUR)]
        return comp

    def on_screen(self, comp):
        return lambda path: m23.frame_matches(path, comp.probes, comp.poller.origin)

    def first_frame_ms(self, comp, timeout, app_id=None):
        app_id = app_id or self.app
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for app in comp.control({"cmd": "apps"}).get("apps", []):
                if app.get("app") == app_id and "first_frame_ms" in app:
                    return int(app["first_frame_ms"])
            comp.check_alive()
            time.sleep(0.02)
        raise BenchError(f"{self.app}: no first_frame_ms in `apps` within {timeout:.0f} s; log:\n"
                         f"{comp.log_tail(30)}")

    def wait_stored(self, comp, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            have = stored_urls(comp.store, self.app) or set()
            if self.urls <= have:
                return
            comp.check_alive()
            time.sleep(0.1)
        missing = sorted(self.urls - (stored_urls(comp.store, self.app) or set()))
        raise BenchError(f"the store did not get {', '.join(missing)} within {timeout:.0f} s")

    def launch(self, comp, key, profile, store):
        """One launch of a fresh host; returns what was measured."""
        a = self.args
        self.link.set_profile(profile)
        if not self.link.wait_idle(a.timeout):
            log(f"warning: connections still open through the link at the {key} launch")
        if store == "empty":
            delete_store(comp.store)
        elif store == "filled" and not self.urls <= (stored_urls(comp.store, self.app) or set()):
            raise BenchError(f"{key}: the store does not hold the whole app")
        if a.prestart:
            m23.ready_standby(comp, a.timeout)
        time.sleep(a.pause)
        mark_log, mark_req = log_size(comp.log_path), self.origin.mark()
        before = link_classes(comp.log_path, 0, mark_log)
        t0, r = m23.launch(comp, self.app)
        if r.get("action") != "spawned":
            raise BenchError(f"launch {self.app}: expected a new host, got {r}")
        screen = comp.poller.wait(t0, self.on_screen(comp), a.timeout, f"{self.app} ({key})")
        ff = self.first_frame_ms(comp, a.timeout)
        if key == "fill":
            self.wait_stored(comp, a.timeout)
        time.sleep(a.dwell)
        self.loads.append(os.getloadavg()[0])
        marks = {k: v - t0 for k, v in m23.startup_marks(comp, r["pid"]).items()}
        held = marks["web-process"] - marks["shown"] if "web-process" in marks and "shown" in marks else None
        rec = {
            "first_frame": ff / 1000.0, "screen": screen, "pid": r["pid"], "held": held,
            "link_before": before[-1] if before else "3g (prior)",
            "link_during": link_classes(comp.log_path, mark_log),
            "requests": [(ta - t0, ts - t0, m, p, st, n) for ta, ts, m, p, st, n in self.origin.since(mark_req)],
            "marks": marks,
        }
        m23.stop_host(comp, self.app)
        comp.poller.wait(time.monotonic(), lambda p: not self.on_screen(comp)(p), a.timeout,
                         f"{self.app}'s window to go")
        # What the killed host left on the line drains on this profile (a
        # blackhole holds it until the next switch, which releases it).
        if profile != "blackhole" and not self.link.wait_idle(a.timeout):
            log(f"warning: the {key} host's connections did not drain from the link")
        log(f"  {key:<10} first frame {ff / 1000:.3f} s, on screen {screen:.3f} s, page held "
            f"{'?' if held is None else f'{held * 1000:.0f} ms'}, link {rec['link_before']}" + (f" -> {','.join(rec['link_during'])}" if rec["link_during"] else ""))
        return rec

    def bare_env(self, comp):
        """bare_webkit's environment: like the one the compositor gives hosts,
        with XDG folders of its own kept for the whole run (its worker)."""
        env = {k: v for k, v in os.environ.items()
               if k in ("PATH", "USER", "LANG", "TZ") or k.startswith("LC_")}
        home = self.bare_home
        env.update(HOME=home, XDG_RUNTIME_DIR=comp.runtime_dir, WAYLAND_DISPLAY=SOCKET,
                   XDG_DATA_HOME=os.path.join(home, "data"), XDG_CACHE_HOME=os.path.join(home, "cache"),
                   XDG_CONFIG_HOME=os.path.join(home, "config"),
                   NO_AT_BRIDGE="1", GTK_A11Y="none", GSETTINGS_BACKEND="memory", no_proxy="*")
        return env

    def launch_worker(self, comp, key, profile, runner, priming=False):
        """One launch of the worker app, in Cirrus (a fresh host) or in
        bare_webkit (a fresh process); returns what was measured."""
        a = self.args
        self.link.set_profile(profile)
        if not self.link.wait_idle(a.timeout):
            log(f"warning: connections still open through the link at the {key} launch")
        if runner == "cirrus" and a.prestart:
            m23.ready_standby(comp, a.timeout)
        time.sleep(a.pause)
        mark_req = self.origin.mark()
        ff, child = None, None
        if runner == "cirrus":
            t0, r = m23.launch(comp, self.sw_app)
            if r.get("action") != "spawned":
                raise BenchError(f"launch {self.sw_app}: expected a new host, got {r}")
            screen = comp.poller.wait(t0, self.on_screen(comp), a.timeout, f"{self.sw_app} ({key})")
            ff = self.first_frame_ms(comp, a.timeout, self.sw_app) / 1000.0
        else:
            os.makedirs(self.bare_home, 0o700, exist_ok=True)
            t0 = time.monotonic()
            child = bl.Child([self.bare, self.link.url("/sw/")], self.bare_env(comp),
                             os.path.join(self.work, f"bare-{key.replace(' ', '-')}.log"), name="bare webkit")
            screen = comp.poller.wait(t0, self.on_screen(comp), a.timeout, f"bare webkit ({key})",
                                      alive=m23.peer_alive(child))
        if priming:
            # The worker installs, precaches and claims the page; in Cirrus
            # the host records it (the next launch goes to it).
            deadline = time.monotonic() + a.timeout
            while runner == "cirrus" and not self.worker_recorded() and time.monotonic() < deadline:
                time.sleep(0.2)
            if runner == "cirrus" and not self.worker_recorded():
                raise BenchError(f"the host did not record {self.sw_app}'s worker within {a.timeout:.0f} s:\n"
                                 f"{comp.log_tail(30)}")
            time.sleep(2.0)
        time.sleep(a.dwell)
        self.loads.append(os.getloadavg()[0])
        requests = self.origin.since(mark_req)
        # SIGTERM to the host (or bare_webkit) alone, as the compositor
        # closes an app: WebKit's network process then ends on its own and
        # writes the worker's registration (a SIGTERM to the whole tree
        # would lose it). Whatever is left after that is killed.
        pid = m23.host_pid(comp, self.sw_app) if runner == "cirrus" else child.pid
        tree = bl.process_tree(pid) if pid else []
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 10
            while any(running(p) for p in tree) and time.monotonic() < deadline:
                time.sleep(0.05)
        if runner == "cirrus":
            m23.stop_host(comp, self.sw_app)
        else:
            child.stop()
        comp.poller.wait(time.monotonic(), lambda p: not self.on_screen(comp)(p), a.timeout, f"the {key} window to go")
        if profile != "blackhole" and not self.link.wait_idle(a.timeout):
            log(f"warning: the {key} launch's connections did not drain from the link")
        ff_text = "—" if ff is None else f"{ff:.3f} s"
        asked = ", ".join(f"{q[3]} {q[4]} at {(q[0] - t0) * 1000:.0f} ms" for q in requests)
        log(f"  {key:<12} first frame {ff_text}, on screen {screen:.3f} s, {len(requests)} requests at the origin"
            + (f" ({asked})" if requests else ""))
        return {"first_frame": ff, "screen": screen, "requests": len(requests),
                "bytes": sum(q[5] for q in requests)}

    def keep_log(self, comp, name):
        if self.args.log_dir:
            os.makedirs(self.args.log_dir, exist_ok=True)
            shutil.copy(comp.log_path, os.path.join(self.args.log_dir, name))

    def run(self):
        res = {k: [] for k, *_ in CASES + SW_CASES}
        if self.args.one_compositor:
            self.run_one_compositor(res)
        else:
            self.run_per_link(res)
        return res

    def run_per_link(self, res):
        """A compositor per case, each primed on its own link; rounds go
        through the cases in turn (the fresh-compositor case in each round)."""
        a = self.args
        comps = {}
        try:
            primes = [  # case, store, priming launch: profile and store
                ("none", None, "none", "any"),            # also fills the shared store
                ("network", self.net_store, "3g-slow", "empty"),
                ("3g-slow", None, "3g-slow", "filled"),
                ("blackhole", None, "3g-slow", "filled"),  # on 3g-slow until the dead zone
                ("offline", None, "offline", "filled"),
            ]
            for key, store, profile, kind in primes:
                if key == "blackhole" and a.no_blackhole:
                    continue
                comps[key] = self.start_cirrus(store)
                log(f"priming the {key} compositor: a launch on {profile} (not reported)")
                self.launch(comps[key], "fill" if key == "none" else "prime", profile, kind)
            if self.sw_app:
                log("priming the worker app online, in Cirrus and in bare_webkit (not reported)")
                self.launch_worker(comps["none"], "sw prime", "none", "cirrus", priming=True)
                self.launch_worker(comps["none"], "bare prime", "none", "bare", priming=True)
                log(f"cirrus info {self.sw_app}: " + next((line for line in self.info(self.sw_app).splitlines()
                                                            if line.startswith("offline:")), "?"))
            for rnd in range(a.repeat):
                log(f"round {rnd + 1}/{a.repeat}")
                for key, _label, profile, store in CASES:
                    if key == "unmeasured":
                        if not a.no_unmeasured:
                            comp = self.start_cirrus()
                            try:
                                res[key].append(self.launch(comp, key, profile, store))
                            finally:
                                comp.stop()
                                self.keep_log(comp, f"compositor-fresh-{rnd + 1}.log")
                    elif key in comps:
                        res[key].append(self.launch(comps[key], key, profile, store))
                if self.sw_app:
                    for key, _label, profile, runner in SW_CASES:
                        res[key].append(self.launch_worker(comps[profile], key, profile, runner))
        finally:
            for key, comp in comps.items():
                comp.stop()
                self.keep_log(comp, f"compositor-{key}.log")

    def run_one_compositor(self, res):
        """The cases in one compositor, in turn, so that its link estimate
        sees every profile in a few seconds; the fresh-compositor case after.
        The service-worker cases run only with a compositor per link."""
        a = self.args
        comp = self.start_cirrus()
        try:
            log("warm-up launch on none (not reported)")
            self.launch(comp, "fill", "none", "any")
            for rnd in range(a.repeat):
                log(f"round {rnd + 1}/{a.repeat}")
                res["network"].append(self.launch(comp, "network", "3g-slow", "empty"))
                delete_store(comp.store)
                self.launch(comp, "fill", "none", "any")
                for key, _label, profile, store in CASES[1:5]:
                    if key == "blackhole" and a.no_blackhole:
                        continue
                    res[key].append(self.launch(comp, key, profile, store))
        finally:
            comp.stop()
            self.keep_log(comp, "compositor-one.log")
        if not a.no_unmeasured:
            log("fresh compositors, the filled store, 3g-slow")
            for i in range(a.repeat):
                comp = self.start_cirrus()
                try:
                    res["unmeasured"].append(self.launch(comp, "unmeasured", "3g-slow", "filled"))
                finally:
                    comp.stop()
                    self.keep_log(comp, f"compositor-fresh-{i + 1}.log")


# ------------------------------------------------------------------ output

def med(xs):
    return statistics.median(xs) if xs else None


def s3(v):
    return "—" if v is None else f"{v:.3f}"


def print_results(res, bench):
    a = bench.args
    label = {k: lbl for k, lbl, *_ in CASES}
    ff = {k: [r["first_frame"] for r in v] for k, v in res.items()}
    scr = {k: [r["screen"] for r in v] for k, v in res.items()}
    online = med(ff["none"])

    def goal(key):
        m = med(ff[key])
        if m is None:
            return "", ""
        if key in ("3g-slow", "unmeasured"):
            return f"first frame ≤ {GOAL_CACHED_S:.1f} s", "pass" if m <= GOAL_CACHED_S else "**miss**"
        if key in ("offline", "blackhole") and online:
            ratio = m / online
            return (f"median ≤ {GOAL_OFFLINE_RATIO:.2f} × online's (medians {ratio:.2f} ×, "
                    f"mins {min(ff[key]) / min(ff['none']):.2f} ×)",
                    "pass" if ratio <= GOAL_OFFLINE_RATIO else "**miss**")
        if key == "network" and med(ff["3g-slow"]):
            return f"the peer ({m / med(ff['3g-slow']):.1f} × cached 3g-slow)", "—"
        if key == "none":
            return "the online baseline", "—"
        return "", ""

    prestart = f", --prestart {a.prestart}" if a.prestart else ""
    print(f"## M7: launch of a cached hosted app on 3g-slow and offline, beside the same app "
          f"from the network (n = {a.repeat}{prestart})\n")
    print("| case | first frame median s | min s | on screen median s | min s | goal | result |")
    print("| --- | ---: | ---: | ---: | ---: | --- | --- |")
    for key, *_ in CASES:
        if not res[key]:
            continue
        g, ok = goal(key)
        print(f"| {label[key]} | {s3(med(ff[key]))} | {s3(min(ff[key]))} | {s3(med(scr[key]))} | "
              f"{s3(min(scr[key]))} | {g} | {ok} |")
    print()

    print("Per launch, in order: the compositor's link class at the launch (the last `link:` "
          "line of its log before it; `3g (prior)`: none yet), the changes logged while the app "
          "ran, and how long the host held the page back before giving WebKit a document "
          "(ms from its `shown` mark, right after the load was started, to WebKit's web process "
          "start, which WebKit does at the first load): the network fetch, or the wait "
          "(document_network_wait) before the stored copy, or the reset that ended the fetch:\n")
    print("| case | class at launch | changes during the launch | page held back, ms |")
    print("| --- | --- | --- | --- |")
    for key, *_ in CASES:
        if not res[key]:
            continue
        at = ", ".join(r["link_before"] for r in res[key])
        during = "; ".join(",".join(r["link_during"]) or "—" for r in res[key])
        held = ", ".join("?" if r["held"] is None else f"{r['held'] * 1000:.0f}" for r in res[key])
        print(f"| {label[key]} | {at} | {during} | {held} |")
    print()

    print("Host start-up marks (CIRRUS_WEBAPP_TRACE=1; median ms after the launch request; "
          "`shown`: the window shown after the page's load was started, `committed`: WebKit "
          "committed the page, i.e. the host had the document from the network or the store; "
          "`before`: a standby host passed it before the launch):\n")
    keys = [k for k, *_ in CASES if res[k]]
    present = [m for m in MARKS if any(m in r["marks"] for k in keys for r in res[k])]
    print("| case | " + " | ".join(present) + " | first frame |")
    print("| --- |" + " ---: |" * (len(present) + 1))
    for key in keys:
        cells = []
        for m in present:
            vals = [r["marks"][m] for r in res[key] if m in r["marks"]]
            # A standby host (--prestart) passed its first marks before the launch.
            cells.append("—" if not vals else "before" if med(vals) < 0 else f"{med(vals) * 1000:.0f}")
        print(f"| {label[key]} | " + " | ".join(cells) + f" | {med(ff[key]) * 1000:.0f} |")
    print()

    print("Requests at the origin (median ms after the launch request: arrived → answer written, "
          "and the status; on 3g-slow a request reaches the origin half a round trip, 1 s, after "
          "the host sent it, and its answer needs another 1 s plus size / 400 kbit/s; — : not asked "
          "while the app ran):\n")
    print("| resource | bytes | " + " | ".join(label[k] for k in keys) + " |")
    print("| --- | ---: |" + " --- |" * len(keys))
    for path, name in RESOURCES:
        cells = []
        for key in keys:
            firsts = []
            for r in res[key]:
                hit = [q for q in r["requests"] if q[3] == path]
                if hit:
                    firsts.append(hit[0])
            if not firsts:
                cells.append("—")
                continue
            statuses = "/".join(sorted({str(q[4]) for q in firsts}))
            cells.append(f"{med([q[0] for q in firsts]) * 1000:.0f} → {med([q[1] for q in firsts]) * 1000:.0f} "
                         f"({statuses}{'' if len(firsts) == len(res[key]) else f', {len(firsts)} of {len(res[key])}'})")
        size = len(bench.routes[path][2])
        print(f"| {name} | {size} | " + " | ".join(cells) + " |")
    print()
    print("Notes:\n")
    print(f"- Cirrus headless (pixman) {bl.WIDTH}x{bl.HEIGHT}, `--no-shell --prestart {a.prestart}`; "
          f"no shell. Every launch starts a new `cirrus-webapp-host`, which is killed {a.dwell:g} s after its first frame "
          "(its background refreshes may finish meanwhile). First frame = `first_frame_ms` of "
          "`{\"cmd\":\"apps\"}`; on screen = the first polled screenshot (every "
          f"{a.poll_ms:g} ms at best) whose header bar has the stylesheet's #{HEADER_COLOUR:06x}.")
    mode = ("every case in one compositor, in turn (its link estimate mixes the profiles)"
            if a.one_compositor else
            "one compositor per case, each primed with one unreported launch on its link (blackhole's "
            "on 3g-slow), so that its link estimate has learnt that link; the fresh-compositor case "
            "starts a compositor per launch; rounds take the cases in turn")
    loads = sorted(bench.loads)
    print(f"- Compositors: {mode}. The machine's 1-minute load average at the launches: median "
          f"{med(loads):.1f}, range {loads[0]:.1f}–{loads[-1]:.1f}, on {os.cpu_count()} CPUs shared "
          "with other work: every time here stretches with it.")
    print(f"- Weak link: `cirrus-weak-link{' --handshake' if a.handshake else ''}` (docs/ARCHITECTURE.md profiles; "
          "3g-slow = 400/400 kbit/s, +2 s round trip; offline = connections reset; blackhole = "
          "nothing crosses), switched before each launch once no connection was open through it.")
    print("- Goals: cached 3g-slow first frame (median) ≤ 1.0 s; offline first frame (median) ≤ "
          "1.1 × the cached online one (the blackhole row is held to the same bound).")
    print()


def print_worker_results(res, bench):
    """Issue 17: the worker app beside the Cirrus-cached one, and beside
    itself in a plain WebKitGTK window, in the same run."""
    if not any(res[k] for k, *_ in SW_CASES):
        return
    label = {k: lbl for k, lbl, *_ in CASES + SW_CASES}
    print(f"## M7 with a service-worker app: Cirrus's store, the app's own worker in Cirrus, and the "
          f"same worker app in a plain WebKitGTK window (n = {bench.args.repeat})\n")
    print("| case | first frame median s | min s | on screen median s | min s | requests at the origin "
          "(median) | bytes from the origin (median) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    rows = [k for k in ("none", "3g-slow", "offline") if res[k]] + [k for k, *_ in SW_CASES if res[k]]
    for key in rows:
        runs = res[key]
        ff = [r["first_frame"] for r in runs if r["first_frame"] is not None]
        scr = [r["screen"] for r in runs]
        reqs = [len(r["requests"]) if isinstance(r["requests"], list) else r["requests"] for r in runs]
        nbytes = [sum(q[5] for q in r["requests"]) if isinstance(r["requests"], list) else r["bytes"]
                  for r in runs]
        print(f"| {label[key]} | {s3(med(ff))} | {s3(min(ff) if ff else None)} | {s3(med(scr))} | "
              f"{s3(min(scr))} | {med(reqs):g} | {med(nbytes):g} |")
    print()
    print("Notes: the first three rows are M7's Cirrus-cached app (cases 2, 3 and 5 above). The worker "
          "app is the same page under /sw/ whose worker precaches it (cache first; the API network "
          "first, the cache behind); Cirrus leaves it to WebKit and the worker "
          "(webapp-host/worker_routing.hpp). bare WebKitGTK = bench/bare_webkit (default web context, "
          "its own persistent XDG data folder: its worker outlives each process), timed from exec; it "
          "reports no first frame (—). Each launch is a fresh host or process; both were primed with "
          "one online launch that installed the worker.\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=GOALS,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=bl.DEFAULT_BUILD,
                    help="build dir with compositor/, webapp-host/, launcher/, tests/tools/ (default: build)")
    ap.add_argument("--cirrus", help="cirrus-compositor binary (default BUILD/compositor/cirrus-compositor; "
                    "the host is taken from beside it)")
    ap.add_argument("--cli", help="the cirrus CLI (default BUILD/launcher/cirrus)")
    ap.add_argument("--weak-link", help="cirrus-weak-link (default BUILD/tests/tools/cirrus-weak-link)")
    ap.add_argument("--repeat", "-n", type=int, default=5, help="launches per case (default 5)")
    ap.add_argument("--prestart", type=int, default=0,
                    help="standby hosts the compositor keeps (default 0: every launch starts a host "
                    "process; 1: a ready standby host takes each launch)")
    ap.add_argument("--dwell", type=float, default=3.0,
                    help="s the app stays open after its first frame before its host is killed (default 3)")
    ap.add_argument("--pause", type=float, default=0.5, help="s of quiet before each launch (default 0.5)")
    ap.add_argument("--handshake", action="store_true",
                    help="the weak link also charges a round trip for each new connection")
    ap.add_argument("--one-compositor", action="store_true",
                    help="run every case in one compositor in turn (its link estimate then mixes "
                    "all profiles) instead of one compositor per case")
    ap.add_argument("--no-blackhole", action="store_true", help="leave out the blackhole case")
    ap.add_argument("--no-unmeasured", action="store_true",
                    help="leave out the fresh-compositor (unmeasured link) case")
    ap.add_argument("--poll-ms", type=float, default=100.0,
                    help="screenshot polling period for the on-screen cross-check (default 100; each "
                    "screenshot costs the compositor ~8 ms of CPU, which the launch being timed "
                    "competes with: m2_m3_webapps.py polls every 20)")
    ap.add_argument("--check-ms", type=float, default=100.0,
                    help="how often a polled screenshot is decoded while waiting (default 100)")
    ap.add_argument("--no-service-worker", action="store_true",
                    help="leave out the service-worker app and its bare WebKitGTK peer (issue 17)")
    ap.add_argument("--bare-webkit", help="the worker app's peer (default BUILD/bench/bare_webkit)")
    ap.add_argument("--log-dir", help="copy the compositors' logs (with the hosts' output) here")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-step timeout, s (default 30)")
    a = ap.parse_args()
    if a.repeat < 1:
        raise BenchError("--repeat must be at least 1")
    if a.prestart < 0:
        raise BenchError("--prestart must be at least 0")
    bench = Bench(a)
    try:
        res = bench.run()
    finally:
        bench.close()
    print_results(res, bench)
    print_worker_results(res, bench)
    return 0


if __name__ == "__main__":
    bl.run_main(main)
