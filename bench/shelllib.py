"""Helpers shared by the shell benchmarks (M5, M6, M1 for the pair).

- a private app registry with the bundled apps plus generated ones, made once
  with the real `cirrus` CLI and copied into each compositor's runtime dir;
- Cirrus with its real shell (cirrus-compositor starts cirrus-shell);
- phoc + phosh, the peer: installed from Debian on demand (with visible
  progress), run headless under dbus-run-session.

Standard library only; everything started is stopped by benchlib's cleanup.
"""

import colorsys
import datetime
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

import benchlib as bl

PHOSH_PACKAGES = ["phosh", "phoc", "gnome-settings-daemon-common"]
PHOSH_PATHS = ["/usr/libexec/phosh", "/usr/bin/phosh"]


# ------------------------------------------------------------- registry

def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# Labels of the generated apps: short and long (ellipsised) names, Latin and
# CJK, as a real home screen has.
_NAMES = ["Mail", "Maps", "Music", "Photos", "Camera", "Clock", "Calendar", "Contacts",
          "Messages", "Settings", "Files", "Radio", "Books", "News", "Podcasts", "Wallet",
          "Translate", "Health", "Recipes", "Transit timetable", "Weather radar",
          "微信", "地图", "天气预报", "计算器", "日历", "相机", "音乐播放器",
          "Currency converter", "Flashlight"]


def generated_app(dir_path, index):
    """A small packaged app (index.html, an SVG icon, a manifest), like the
    shell's integration tests install: the folder name is the app's id."""
    hue = (index * 0.137) % 1.0
    r, g, b = colorsys.hsv_to_rgb(hue, 0.65, 0.85)
    colour = f"{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"
    name = f"{_NAMES[index % len(_NAMES)]} {index}"
    _write(os.path.join(dir_path, "index.html"),
           f"<!doctype html><title>{name}</title><p>{name}</p>")
    # A rounded square with a circle: antialiased edges like a real icon.
    _write(os.path.join(dir_path, "icon.svg"),
           '<svg xmlns="http://www.w3.org/2000/svg" width="192" height="192">'
           f'<rect width="192" height="192" rx="40" fill="#{colour}"/>'
           '<circle cx="96" cy="96" r="52" fill="#ffffff" fill-opacity="0.55"/></svg>')
    _write(os.path.join(dir_path, "manifest.webmanifest"), json.dumps({
        "name": name, "short_name": name, "start_url": "./index.html",
        "display": "standalone", "theme_color": f"#{colour}", "background_color": "#ffffff",
        "icons": [{"src": "icon.svg", "sizes": "any", "type": "image/svg+xml"}]}))


class AppData:
    """An XDG_DATA_HOME with cirrus/registry.db: the bundled apps (manifests/)
    and generated ones up to `total` apps in all, installed once with the real
    CLI. copy_into() gives each compositor its own copy (the shell writes home
    positions into it)."""

    def __init__(self, cli, total):
        bl.require_executable(cli, "cirrus (the CLI)",
                              "build it (ninja -C BUILD launcher/cirrus) or pass --cli PATH")
        self.root = bl.make_tempdir("bench-appdata-")
        self.data = os.path.join(self.root, "data")
        self.registry = os.path.join(self.data, "cirrus", "registry.db")
        os.makedirs(os.path.dirname(self.registry))
        env = dict(os.environ, HOME=self.root, XDG_DATA_HOME=self.data,
                   XDG_CACHE_HOME=os.path.join(self.root, "cache"),
                   XDG_CONFIG_HOME=os.path.join(self.root, "config"),
                   CIRRUS_REGISTRY=self.registry)
        t0 = time.monotonic()
        self._cli(cli, env, ["install-bundled", os.path.join(bl.REPO, "manifests")])
        self.bundled = self._count(cli, env) or 0
        packages = os.path.join(self.root, "packages")
        for i in range(max(0, total - self.bundled)):
            d = os.path.join(packages, f"bench-app-{i:03d}")
            generated_app(d, i)
            self._cli(cli, env, ["install", d])
        shutil.rmtree(packages, ignore_errors=True)
        self.count = self._count(cli, env)
        bl.log(f"registry: {self.count} apps ({self.bundled} bundled) installed with "
               f"{os.path.basename(cli)} in {time.monotonic() - t0:.1f} s")

    def _count(self, cli, env):
        out = subprocess.run([cli, "--registry", self.registry, "list", "--json"], env=env,
                             capture_output=True, text=True, stdin=subprocess.DEVNULL)
        try:
            return len(json.loads(out.stdout))
        except ValueError:
            return None

    @staticmethod
    def _cli(cli, env, args):
        r = subprocess.run([cli, "--registry", env["CIRRUS_REGISTRY"], *args], env=env,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
        if r.returncode != 0:
            raise bl.BenchError(f"`cirrus {' '.join(args)}` failed ({r.returncode}): "
                                f"{(r.stderr or r.stdout).strip()[:500]}")

    def copy_into(self, runtime_dir):
        """Copies the data dir into runtime_dir/data; returns the env for the
        compositor (inherited by the shell it starts)."""
        dst = os.path.join(runtime_dir, "data")
        shutil.copytree(self.data, dst)
        power = os.path.join(runtime_dir, "power_supply")  # no battery: the host's /sys stays out
        os.makedirs(power, exist_ok=True)
        return {"XDG_DATA_HOME": dst, "CIRRUS_REGISTRY": os.path.join(dst, "cirrus", "registry.db"),
                "CIRRUS_POWER_SUPPLY_DIR": power}


# --------------------------------------------------------- Cirrus + shell

def default_shell(build_dir):
    return os.path.join(build_dir, "shell", "cirrus-shell")


def default_cli(build_dir):
    return os.path.join(build_dir, "launcher", "cirrus")


class CirrusShell(bl.Cirrus):
    """cirrus-compositor starting the real cirrus-shell (by absolute path, so
    the build's copy runs; `shell_prefix` e.g. 'taskset -c 1' goes before it)."""

    name = "cirrus"

    def __init__(self, user, path, shell_path, appdata, size=None, scale=None,
                 shell_prefix="", frame_log=False, socket_name=None):
        super().__init__(user, path, socket_name)
        self.shell_path = shell_path
        self.size = size or f"{bl.WIDTH}x{bl.HEIGHT}"
        self.scale = scale
        self.env = appdata.copy_into(self.runtime_dir)
        self.frame_log_path = None
        if frame_log:
            self.frame_log_path = os.path.join(self.runtime_dir, "shell-frames.log")
            self.env["CIRRUS_SHELL_FRAME_LOG"] = self.frame_log_path
        self.shell_command = f"{shell_prefix} {shell_path}".strip()

    def start(self, extra_args=(), extra_env=None):
        env = dict(self.env)
        env.update(extra_env or {})
        args = ["--size", self.size, "--shell", self.shell_command]
        if self.scale:
            args += ["--scale", str(self.scale)]
        super().start([*args, *extra_args], env)

    def shell_pid(self):
        try:
            r = self.control({"cmd": "stats"}, timeout=2)
        except (OSError, bl.BenchError):
            return None
        pid = (r.get("shell") or {}).get("pid", -1)
        return pid if pid and pid > 0 else None

    def layers(self):
        r = self.control({"cmd": "layers"})
        if not r.get("ok"):
            raise bl.BenchError(f"cirrus layers request failed: {r}")
        return r["layers"]

    def wait_shell_mapped(self, timeout=15):
        def mapped():
            names = {l["namespace"] for l in self.layers() if l.get("mapped")}
            return {"cirrus-home", "cirrus-status-bar"} <= names
        self.wait_for(mapped, timeout, "the shell's home screen and status bar")

    def frame_log(self):
        """[(namespace, start_us, wall_us, cpu_us)] from CIRRUS_SHELL_FRAME_LOG."""
        out = []
        try:
            with open(self.frame_log_path) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) == 4:
                        out.append((parts[0], int(parts[1]), int(parts[2]), int(parts[3])))
        except (OSError, TypeError):
            pass
        return out


def check_shell(path):
    bl.require_executable(path, "cirrus-shell",
                          "build it (ninja -C BUILD shell/cirrus-shell) or pass --shell PATH")
    with open(path, "rb") as f:
        if b"CIRRUS_SHELL_FRAME_LOG" not in f.read():
            return False
    return True


# ------------------------------------------------------------ phoc + phosh

def session_pids(sid):
    """Living (not zombie) processes whose session id is sid."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                data = f.read()
        except OSError:
            continue
        rest = data[data.rfind(")") + 2:].split()
        # rest[0] = state (field 3), rest[3] = session (field 6)
        if rest[0] != "Z" and int(rest[3]) == sid:
            out.append(int(name))
    return out


def find_phosh():
    for p in PHOSH_PATHS:
        if os.access(p, os.X_OK):
            return p
    return None


def ensure_phosh(install=True):
    """(phoc, phosh) paths, installing the Debian packages when missing and
    allowed; None with a message when the peer cannot run."""
    phoc, phosh = shutil.which("phoc"), find_phosh()
    schemas = os.path.exists("/usr/share/glib-2.0/schemas/org.gnome.settings-daemon.peripherals"
                             ".gschema.xml") or os.path.exists(
        "/usr/share/glib-2.0/schemas/org.gnome.settings-daemon.plugins.gschema.xml")
    if phoc and phosh and schemas and shutil.which("dbus-run-session"):
        return phoc, phosh
    if not install:
        bl.log("phoc/phosh not installed and --no-install given: skipping the peer")
        return None
    if os.geteuid() != 0:
        bl.log("phoc/phosh are not installed and we are not root: skipping the peer "
               f"(sudo apt-get install -y {' '.join(PHOSH_PACKAGES)})")
        return None
    cmd = ["apt-get", "install", "-y", *PHOSH_PACKAGES]
    bl.log(f"installing the peer: {' '.join(cmd)} (progress below; about 120 packages)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        # Progress goes straight to our stderr.
        r = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=sys.stderr,
                           stderr=sys.stderr, timeout=1200)
        ok = r.returncode == 0
    except (OSError, subprocess.TimeoutExpired) as e:
        bl.log(f"apt-get failed: {e}")
        ok = False
    phoc, phosh = shutil.which("phoc"), find_phosh()
    if not (ok and phoc and phosh):
        bl.log("phoc + phosh could not be installed: skipping the peer")
        return None
    return phoc, phosh


class Phosh(bl.Compositor):
    """phoc (wlroots compositor) running phosh (-E), headless, under
    dbus-run-session (phosh needs a session bus; dbus-daemon and the services
    it activates for phosh are counted with them, since they are part of what
    runs). phoc makes its wl_seat only when an input device appears, and
    phosh crashes without a seat; the headless backend has none, so the -E
    command first runs `screen_probe --pointer --background` (a virtual
    pointer with no seat; it leaves the process tree, so it is not counted),
    then execs phosh."""

    name = "phoc+phosh"

    def __init__(self, user, phoc, phosh, probe, size=None, frames_path=None):
        super().__init__(user)
        self.phoc, self.phosh, self.probe = phoc, phosh, probe
        self.frames_path = frames_path
        self.size = size or f"{bl.WIDTH}x{bl.HEIGHT}"
        w, h = self.size.split("x")
        self.config = os.path.join(self.runtime_dir, "phoc.ini")
        with open(self.config, "w") as f:
            f.write("[core]\nxwayland=false\n\n"
                    f"[output:HEADLESS-1]\nmode = {w}x{h}\nscale = 1\n")

    def start(self):
        env = bl._base_env(self.runtime_dir)
        # As a phosh session has it (phosh.service sets XDG_CURRENT_DESKTOP);
        # GSettings and the accessibility bus are left at their defaults.
        env.update({"XDG_DATA_DIRS": "/usr/local/share:/usr/share",
                    "XDG_CURRENT_DESKTOP": "Phosh:GNOME"})
        probe = [self.probe, "--pointer", "--background"]
        if self.frames_path:
            probe += ["--frames", self.frames_path]
        session = f"{' '.join(shlex.quote(a) for a in probe)} && exec {shlex.quote(self.phosh)}"
        self._spawn(["dbus-run-session", "--", self.phoc, "-C", self.config,
                     "-E", f"sh -c {shlex.quote(session)}"], env)

    def tree(self):
        """Every living process of the stack's session (the compositor was
        started with start_new_session), less screen_probe: D-Bus activates
        phosh's services (callaudiod, feedbackd, dconf-service, the
        accessibility bus) double-forked, so they leave the process tree but
        stay in the session."""
        if self.proc is None:
            return []
        return [p for p in session_pids(self.proc.pid) if bl.proc_name(p) != "screen_probe"]

    def compositor_pid(self):
        for p in self.tree():
            if bl.proc_name(p) == "phoc":
                return p
        return None

    def wait_ready(self, timeout=10):
        self.wait_for(self._socket, timeout, "its Wayland socket")

    def _socket(self):
        for n in sorted(os.listdir(self.runtime_dir)):
            if n.startswith("wayland-") and not n.endswith(".lock"):
                return n
        return None

    def client_display(self):
        return self._socket()

    def frames(self):
        return None


def wait_for_minute_room(need_s, enabled):
    """Sleeps until need_s seconds fit before the next wall-clock minute."""
    if not enabled or need_s >= 59:
        return
    now = datetime.datetime.now()
    sec = now.second + now.microsecond / 1e6
    if sec + need_s > 59.5:
        wait = 60 - sec + 0.5
        bl.log(f"waiting {wait:.0f} s for a new minute, so that no clock changes during the run")
        time.sleep(wait)


def medians(values):
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def percentile(values, q):
    """Nearest-rank percentile (q in 0..100) of a list; None when empty."""
    v = sorted(values)
    if not v:
        return None
    k = max(0, min(len(v) - 1, int(-(-q * len(v) // 100)) - 1))
    return v[k]


def uss_kib(pid):
    """Private_Clean + Private_Dirty (KiB) of /proc/PID/smaps_rollup: the
    memory only this process maps (PSS also counts a share of libraries,
    which moves with whatever else on the machine maps them)."""
    total = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith(("Private_Clean:", "Private_Dirty:")):
                    total += int(line.split()[1])
    except OSError:
        pass
    return total


def smaps_by_mapping(pid, top=12):
    """[(Pss KiB, mapping name)] from /proc/PID/smaps, summed by mapped file
    (anonymous memory as [heap], [anon], [stack], memfd:..., etc.), largest first."""
    sums = {}
    name = None
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                first = line.split(None, 1)[0]
                if "-" in first and not first.endswith(":"):
                    parts = line.split(None, 5)
                    name = parts[5].strip() if len(parts) > 5 else "[anon]"
                    name = name.replace(" (deleted)", "")
                elif first == "Pss:":
                    sums[name] = sums.get(name, 0) + int(line.split()[1])
    except OSError:
        return []
    return sorted(((v, k) for k, v in sums.items() if v), reverse=True)[:top]


def probe_frames(path):
    """(connected_ns or None, [(ready_ns, cells)]) from a screen_probe --frames file;
    cells is the signature as a bytes object (3 bytes a cell)."""
    connected, frames = None, []
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if parts[:1] == ["C"] and len(parts) == 2:
                    connected = int(parts[1])
                elif parts[:1] == ["F"] and len(parts) == 6:
                    frames.append((int(parts[1]), bytes.fromhex(parts[5])))
    except (OSError, ValueError):
        pass
    return connected, frames


def cells_differing(a, b, tolerance=12):
    """Fraction of signature cells whose colour differs by more than tolerance
    (in any channel)."""
    n = min(len(a), len(b)) // 3
    if n == 0:
        return 1.0
    diff = 0
    for i in range(0, n * 3, 3):
        if (abs(a[i] - b[i]) > tolerance or abs(a[i + 1] - b[i + 1]) > tolerance or
                abs(a[i + 2] - b[i + 2]) > tolerance):
            diff += 1
    return diff / n


def write_signature_png(path, cells, grid_w=24, grid_h=40, zoom=8):
    """A screen_probe signature as a PNG (each cell a zoom x zoom block), to
    look at what a benchmark decided on."""
    import struct
    import zlib
    w, h = grid_w * zoom, grid_h * zoom
    rows = []
    for y in range(h):
        cy = y // zoom
        row = bytearray(b"\x00")
        for cx in range(grid_w):
            i = (cy * grid_w + cx) * 3
            row += bytes(cells[i:i + 3]) * zoom
        rows.append(bytes(row))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
