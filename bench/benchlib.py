"""Shared helpers for the Cirrus benchmarks (standard library only).

Starts headless compositors (Cirrus and sway) in private runtime dirs, finds
their process trees, reads memory/CPU from /proc, talks to the Cirrus control
socket, and guarantees that every process started here is stopped again, also
on Ctrl-C, SIGTERM or an exception.
"""

import atexit
import json
import os
import pwd
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import struct
import zlib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BUILD = os.path.join(REPO, "build")
WIDTH, HEIGHT = 480, 800

CLK_TCK = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """A failure with a message meant for the user."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- cleanup

_started = []     # Compositor objects still to stop
_tempdirs = []


def _cleanup():
    while _started:
        try:
            _started.pop().stop()
        except Exception as e:  # noqa: BLE001 - best effort
            log(f"warning: cleanup: {e}")
    while _tempdirs:
        shutil.rmtree(_tempdirs.pop(), ignore_errors=True)


def _on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def start_server(argv, port, timeout, what):
    """Starts a loopback server (its own session, output dropped) and waits
    until it listens on 127.0.0.1:port; raises BenchError naming `what`."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise BenchError(f"{what} did not listen on 127.0.0.1:{port} within {timeout} s")


def stop_server(proc):
    """SIGTERM, then SIGKILL after five seconds."""
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()


def make_tempdir(prefix):
    """A private (0700) temporary directory, removed again at exit."""
    d = tempfile.mkdtemp(prefix=prefix)
    _tempdirs.append(d)
    os.chmod(d, 0o700)
    return d


def install_cleanup():
    atexit.register(_cleanup)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)


def run_main(main):
    """Runs main() with cleanup and friendly errors; exits with its status."""
    install_cleanup()
    try:
        status = main()
    except BenchError as e:
        log(f"error: {e}")
        status = 1
    except KeyboardInterrupt:
        log("interrupted; stopping everything that was started")
        status = 130
    finally:
        _cleanup()
    sys.exit(status or 0)


# ------------------------------------------------------------------ /proc

def _ppid_map():
    m = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                data = f.read()
        except OSError:
            continue
        rest = data[data.rfind(")") + 2:].split()
        m[int(name)] = int(rest[1])
    return m


def process_tree(pid):
    """pid and all its living descendants."""
    children = {}
    for p, pp in _ppid_map().items():
        children.setdefault(pp, []).append(p)
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        if not os.path.exists(f"/proc/{p}"):
            continue
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kib(pid):
    """Summed Pss (KiB) over pid and all its living descendants."""
    return sum(pss_kib(p) for p in process_tree(pid))


def tree_pss_by_name(pid):
    """{comm: summed Pss KiB} over pid and its descendants."""
    out = {}
    for p in process_tree(pid):
        name = proc_name(p)
        out[name] = out.get(name, 0) + pss_kib(p)
    return out


def cpu_ticks(pid):
    """utime+stime (+ reaped children's) of one process, in clock ticks."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return 0
    fields = data[data.rfind(")") + 2:].split()
    # fields[0] is field 3 (state); utime=14, stime=15, cutime=16, cstime=17
    return sum(int(fields[i - 3]) for i in (14, 15, 16, 17))


def _thread_files(pid, name):
    """Yields the text of /proc/PID/task/TID/<name> for each thread still
    there (threads come and go while we read)."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/{name}") as f:
                text = f.read()
        except OSError:
            continue
        yield text


def cpu_ns(pid):
    """CPU time of one process in ns: the sum over its threads of the on-CPU
    time in /proc/PID/task/TID/schedstat (ns resolution), falling back to
    utime+stime+cutime+cstime from /proc/PID/stat (1/CLK_TCK resolution)."""
    total, ok = 0, False
    for text in _thread_files(pid, "schedstat"):
        try:
            total += int(text.split()[0])
            ok = True
        except (ValueError, IndexError):
            pass
    if ok:
        return total
    return cpu_ticks(pid) * 1_000_000_000 // CLK_TCK


def ctx_switches(pid):
    """Context switches (voluntary + involuntary) summed over the threads of
    one process: roughly how often it woke up."""
    total = 0
    for text in _thread_files(pid, "status"):
        for line in text.splitlines():
            if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                try:
                    total += int(line.split()[1])
                except (ValueError, IndexError):
                    pass
    return total


def proc_name(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


# ------------------------------------------------------------- privileges

def target_user(spec):
    """(uid, gid) to run compositors as, or None to run as ourselves.

    sway 1.7 refuses to run as root ("Unable to drop root"), so when we are
    root both compositors run as an unprivileged user (default: nobody), to
    keep the comparison fair."""
    if spec == "self" or os.geteuid() != 0:
        return None
    try:
        if spec.isdigit():
            pw = pwd.getpwuid(int(spec))
        else:
            pw = pwd.getpwnam(spec)
    except KeyError:
        raise BenchError(f"unknown user {spec!r} for --user")
    if pw.pw_uid == 0:
        raise BenchError("--user must not be root: sway refuses to run as root")
    return pw.pw_uid, pw.pw_gid


def require_executable(path, what, hint):
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise BenchError(f"{what} not found at {path!r}: {hint}")
    return path


def find_sway():
    path = shutil.which("sway")
    if not path:
        raise BenchError("sway not found: apt-get install sway")
    return path


def check_readable_by(path, user):
    """The compositor binary must be reachable by the unprivileged user."""
    if user is None:
        return
    uid, gid = user
    p = os.path.abspath(path)
    while p != "/":
        p = os.path.dirname(p)
        st = os.stat(p)
        ok = (st.st_mode & 0o001) or (st.st_uid == uid and st.st_mode & 0o100) or \
             (st.st_gid == gid and st.st_mode & 0o010)
        if not ok:
            raise BenchError(f"{p} is not searchable by uid {uid}; pass --user self or "
                             f"fix the permissions")


# ------------------------------------------------------------ compositors

def _base_env(runtime_dir):
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": runtime_dir,
        "XDG_RUNTIME_DIR": runtime_dir,
        "XDG_CONFIG_HOME": os.path.join(runtime_dir, "config"),
        "XDG_CACHE_HOME": os.path.join(runtime_dir, "cache"),
        "WLR_BACKENDS": "headless",
        "WLR_RENDERER": "pixman",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        "LANG": "C.UTF-8",
    }
    return env


def cirrus_socket_path(runtime_dir, display, trusted=False):
    """Where cirrus-compositor on Wayland socket `display` (e.g. wayland-1),
    with XDG_RUNTIME_DIR `runtime_dir`, has its control socket, or with
    trusted=True its trusted Wayland socket. The rule is common/control_socket.hpp's
    (control_socket_path, trusted_socket_path), which the compositor listens by:
    keep the two alike."""
    suffix = "-trusted.sock" if trusted else ".sock"
    return os.path.join(runtime_dir, f"cirrus-{display}{suffix}")


class Compositor:
    """One headless compositor in its own private XDG_RUNTIME_DIR."""

    name = "?"

    def __init__(self, user):
        self.user = user
        self.proc = None
        self.runtime_dir = tempfile.mkdtemp(prefix=f"bench-{self.name}-")
        _tempdirs.append(self.runtime_dir)
        os.chmod(self.runtime_dir, 0o700)
        for sub in ("config", "cache"):
            os.mkdir(os.path.join(self.runtime_dir, sub), 0o700)
        self.log_path = os.path.join(self.runtime_dir, "compositor.log")
        self.start_time = None

    def _chown_runtime(self):
        if self.user is None:
            return
        for root, dirs, files in os.walk(self.runtime_dir):
            for n in [root] + [os.path.join(root, d) for d in dirs] + \
                     [os.path.join(root, f) for f in files]:
                os.chown(n, *self.user)

    def _spawn(self, argv, env):
        self._chown_runtime()
        logf = open(self.log_path, "wb")
        kwargs = {}
        if self.user is not None:
            kwargs = dict(user=self.user[0], group=self.user[1], extra_groups=[])
        try:
            self.proc = subprocess.Popen(argv, env=env, cwd=self.runtime_dir,
                                         stdin=subprocess.DEVNULL, stdout=logf,
                                         stderr=subprocess.STDOUT, start_new_session=True,
                                         **kwargs)
        except OSError as e:
            raise BenchError(f"cannot start {argv[0]}: {e}")
        finally:
            logf.close()
        self.start_time = time.monotonic()
        _started.append(self)

    @property
    def pid(self):
        return self.proc.pid

    def tree(self):
        return process_tree(self.proc.pid)

    def log_tail(self, n=15):
        try:
            with open(self.log_path, errors="replace") as f:
                lines = f.readlines()
        except OSError:
            return ""
        return "".join(lines[-n:])

    def check_alive(self):
        if self.proc.poll() is not None:
            raise BenchError(f"{self.name} exited with status {self.proc.returncode}; "
                             f"last log lines:\n{self.log_tail()}")

    def wait_for(self, pred, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if pred():
                return
            time.sleep(0.02)
        raise BenchError(f"{self.name}: {what} did not appear within {timeout:.0f} s; "
                         f"last log lines:\n{self.log_tail()}")

    def stop(self):
        if self.proc is None:
            return
        if self in _started:
            _started.remove(self)
        pids = self.tree() if self.proc.poll() is None else []
        self._before_stop()
        for sig, grace in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 2.0)):
            for p in pids:
                try:
                    os.kill(p, sig)
                except ProcessLookupError:
                    pass
            try:
                os.killpg(self.proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            deadline = time.monotonic() + grace
            while time.monotonic() < deadline:
                self.proc.poll()
                if all(not _alive(p) for p in pids) and self.proc.returncode is not None:
                    break
                time.sleep(0.02)
            else:
                continue
            break
        try:
            self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            log(f"warning: {self.name} (pid {self.proc.pid}) did not exit")
        self.proc = None

    def _before_stop(self):
        pass

    # Client side --------------------------------------------------------
    def client_env(self):
        """Environment for a Wayland client of this compositor."""
        env = dict(os.environ)
        for k in ("WAYLAND_SOCKET", "DISPLAY"):
            env.pop(k, None)
        env["XDG_RUNTIME_DIR"] = self.runtime_dir
        env["WAYLAND_DISPLAY"] = self.client_display()
        return env


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return False
    return data[data.rfind(")") + 2] != "Z"


class Sway(Compositor):
    name = "sway"

    def __init__(self, user, sway_path):
        super().__init__(user)
        self.path = sway_path
        self.config = os.path.join(self.runtime_dir, "sway.config")
        with open(self.config, "w") as f:
            f.write(
                "# minimal config for the Cirrus benchmarks (no bar, no wallpaper)\n"
                "xwayland disable\n"
                f"output HEADLESS-1 mode {WIDTH}x{HEIGHT} position 0 0 scale 1\n"
                "focus_follows_mouse no\n"
                "default_border none\n"
                "default_floating_border none\n")

    def start(self):
        env = _base_env(self.runtime_dir)
        self._spawn([self.path, "--config", self.config], env)

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


def control_request(path, request, timeout=5):
    """One request on a Cirrus control socket at `path`: its JSON answer."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        s.sendall((json.dumps(request) + "\n").encode())
        buf = b""
        while b"\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    finally:
        s.close()
    line = buf.split(b"\n", 1)[0]
    try:
        return json.loads(line)
    except ValueError:
        raise BenchError(f"cirrus control socket: bad response to {request}: {line[:200]!r}")


class Cirrus(Compositor):
    name = "cirrus"
    socket_name = "wayland-1"

    def __init__(self, user, path, socket_name=None):
        super().__init__(user)
        self.path = path
        if socket_name:
            self.socket_name = socket_name

    def start(self, extra_args=(), extra_env=None):
        """extra_env: more variables for the compositor (and so for the app
        hosts it starts, which keep XDG_* and CIRRUS_*)."""
        env = _base_env(self.runtime_dir)
        env.update(extra_env or {})
        # The bundled apps are installed only where a benchmark asks for them
        # (M2/M3 install them itself), and no standby web-app host is kept
        # (M3 asks for one with --prestart 1): the compositor alone is what M1
        # and M4 measure. Later flags win, so extra_args can override these.
        self._spawn([self.path, "--size", f"{WIDTH}x{HEIGHT}", "--socket", self.socket_name,
                     "--no-bundled-apps", "--no-shell", "--prestart", "0", *extra_args], env)

    @property
    def control_path(self):
        return cirrus_socket_path(self.runtime_dir, self.socket_name)

    @property
    def trusted_path(self):
        return cirrus_socket_path(self.runtime_dir, self.socket_name, trusted=True)

    def wait_ready(self, timeout=10):
        def ready():
            if not os.path.exists(self.control_path):
                return False
            try:
                return self.control({"cmd": "stats"}, timeout=1).get("ok") is True
            except (OSError, BenchError):
                return False
        self.wait_for(ready, timeout, f"a working control socket {self.control_path}")

    def control(self, request, timeout=5):
        return control_request(self.control_path, request, timeout)

    def frames(self):
        r = self.control({"cmd": "stats"})
        if not r.get("ok") or "frames" not in r:
            raise BenchError(f"cirrus stats request failed: {r}")
        return int(r["frames"])

    def client_display(self):
        return self.trusted_path

    def _before_stop(self):
        # Ask politely first so it can shut down cleanly.
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.control({"cmd": "quit"}, timeout=1)
                self.proc.wait(timeout=2)
            except (OSError, BenchError, subprocess.TimeoutExpired, ValueError):
                pass


class Child:
    """A client process started here (own session); stop() ends its whole
    process tree. Registered for cleanup like the compositors."""

    def __init__(self, argv, env, log_path, name=None, cwd=None):
        self.name = name or os.path.basename(argv[0])
        self.log_path = log_path
        logf = open(log_path, "ab")
        try:
            self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                         stdout=logf, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        except OSError as e:
            raise BenchError(f"cannot start {argv[0]}: {e}")
        finally:
            logf.close()
        _started.append(self)

    @property
    def pid(self):
        return self.proc.pid

    def log_tail(self, n=15):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def stop(self, grace=3.0):
        if self in _started:
            _started.remove(self)
        if self.proc is None:
            return
        kill_tree(self.proc, grace)
        self.proc = None


def kill_tree(proc, grace=3.0, pids=None):
    """SIGTERM, then SIGKILL, to a Popen's process, its process group and all
    its descendants (taken before the first signal, so that orphans that get
    re-parented are still reached)."""
    if pids is None:
        pids = process_tree(proc.pid) if proc.poll() is None else []
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
        for p in pids:
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            proc.poll()
            if all(not _alive(p) for p in pids) and proc.returncode is not None:
                return
            time.sleep(0.02)
    try:
        proc.wait(timeout=1)
    except subprocess.TimeoutExpired:
        log(f"warning: pid {proc.pid} did not exit")


def kill_pids(pids, grace=3.0):
    """SIGTERM, then SIGKILL, to processes that are not our children."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
        for p in pids:
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if all(not _alive(p) for p in pids):
                return True
            time.sleep(0.02)
    return all(not _alive(p) for p in pids)


# -------------------------------------------------------------- weak link

class WeakLink:
    """cirrus-weak-link (tests/tools/weak_link.cpp) in front of an origin on
    127.0.0.1, playing the weak-link profiles of docs/ARCHITECTURE.md (none,
    good, 3g, 3g-slow, 2g, offline, blackhole). Clients use url(PATH); set_profile()
    switches live
    and returns once the tool said so. Registered for cleanup like the
    compositors: stop() closes its stdin (it then exits 0), else kills it."""

    def __init__(self, path, upstream_port, profile="none", handshake=False, log_path=None,
                 timeout=10):
        argv = [path, "--upstream", f"127.0.0.1:{upstream_port}", "--profile", profile]
        if handshake:
            argv.append("--handshake")
        self._buf = b""
        errf = open(log_path, "ab") if log_path else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=errf, start_new_session=True)
        except OSError as e:
            raise BenchError(f"cannot start {path}: {e}")
        finally:
            if log_path:
                errf.close()
        _started.append(self)
        line = self._line(timeout)
        if not line.startswith("listening "):
            raise BenchError(f"{path} said {line!r} instead of `listening 127.0.0.1:PORT`")
        self.address = line.split()[1]
        self.port = int(self.address.rsplit(":", 1)[1])
        self.profile = profile

    def _line(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise BenchError(f"cirrus-weak-link did not answer within {timeout:.0f} s "
                                 f"(status {self.proc.poll()})")
            ready, _w, _x = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    raise BenchError(f"cirrus-weak-link exited (status {self.proc.wait()})")
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode(errors="replace").strip()

    def command(self, line, timeout=5):
        """Sends one command line; returns the one-line answer."""
        try:
            self.proc.stdin.write((line + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError) as e:
            raise BenchError(f"cirrus-weak-link: cannot send {line!r}: {e}")
        return self._line(timeout)

    def set_profile(self, name):
        answer = self.command(f"profile {name}")
        if answer != f"ok profile {name}":
            raise BenchError(f"cirrus-weak-link: `profile {name}` answered {answer!r}")
        self.profile = name

    def stats(self):
        """{'profile': NAME, 'up': BYTES, 'down': ..., 'open': N, ...}."""
        answer = self.command("stats")
        if not answer.startswith("stats "):
            raise BenchError(f"cirrus-weak-link: `stats` answered {answer!r}")
        out = {}
        for field in answer.split()[1:]:
            k, _, v = field.partition("=")
            out[k] = int(v) if v.isdigit() else v
        return out

    def wait_idle(self, timeout=10):
        """Waits until no connection is open through the link (what a client
        that went away left on the line has drained); True when it is."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stats().get("open") == 0:
                return True
            time.sleep(0.05)
        return False

    def url(self, path):
        return f"http://{self.address}{path}"

    def stop(self):
        if self in _started:
            _started.remove(self)
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()          # EOF: it exits cleanly
            self.proc.wait(timeout=3)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            kill_tree(self.proc)
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None


# ------------------------------------------------------------------- PNG

def read_png_rows(path, max_rows=None):
    """Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what the control
    socket's screenshot writes) with the standard library only.

    Returns (width, height, channels, rows): rows is a list of bytes, one per
    image row, the first max_rows only (decoding stops there, which makes a
    probe near the top of the screen cheap)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise BenchError(f"{path} is not a PNG")
    pos, idat, width, height, channels = 8, [], 0, 0, 3
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise BenchError(f"{path}: only 8-bit RGB/RGBA non-interlaced PNGs are read here")
            channels = 3 if colour == 2 else 4
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            break
        pos += 12 + length
    n = height if max_rows is None else max(0, min(height, max_rows))
    stride, bpp = width * channels, channels
    raw = zlib.decompressobj().decompress(b"".join(idat), (stride + 1) * n)
    if len(raw) < (stride + 1) * n:
        raise BenchError(f"{path}: truncated image data")
    low7 = int.from_bytes(b"\x7f" * stride, "big")
    high = int.from_bytes(b"\x80" * stride, "big")
    prev, rows = bytes(stride), []
    for y in range(n):
        start = y * (stride + 1)
        ftype, line = raw[start], raw[start + 1:start + 1 + stride]
        if ftype == 0:
            cur = line
        elif ftype == 2:   # Up: bytewise add without carries, on big ints
            a, b = int.from_bytes(prev, "big"), int.from_bytes(line, "big")
            cur = (((a & low7) + (b & low7)) ^ ((a ^ b) & high)).to_bytes(stride, "big")
        elif ftype == 1:   # Sub
            c = bytearray(line)
            for i in range(bpp, stride):
                c[i] = (c[i] + c[i - bpp]) & 255
            cur = bytes(c)
        elif ftype == 3:   # Average
            c = bytearray(line)
            for i in range(stride):
                left = c[i - bpp] if i >= bpp else 0
                c[i] = (c[i] + ((left + prev[i]) >> 1)) & 255
            cur = bytes(c)
        elif ftype == 4:   # Paeth
            if not any(line) and prev[bpp:] == prev[:-bpp]:
                cur = prev          # a repeat of a one-colour row
            else:
                c = bytearray(line)
                for i in range(stride):
                    if i >= bpp:
                        a, cc = c[i - bpp], prev[i - bpp]
                    else:
                        a = cc = 0
                    b = prev[i]
                    p = a + b - cc
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - cc)
                    pred = a if (pa <= pb and pa <= pc) else (b if pb <= pc else cc)
                    c[i] = (c[i] + pred) & 255
                cur = bytes(c)
        else:
            raise BenchError(f"{path}: bad PNG filter type {ftype}")
        rows.append(cur)
        prev = cur
    return width, height, channels, rows


def default_cirrus(build_dir):
    return os.path.join(build_dir, "compositor", "cirrus-compositor")


def check_cirrus(path):
    require_executable(path, "cirrus-compositor",
                       "build it (meson setup build && ninja -C build) or pass --cirrus PATH")
    try:
        r = subprocess.run([path, "--help"], capture_output=True, timeout=5,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise BenchError(f"{path} --help failed: {e}")
    text = (r.stdout + r.stderr).decode(errors="replace")
    if "--size" not in text or "--socket" not in text:
        raise BenchError(f"{path} --help does not mention --size/--socket; is this the real "
                         f"cirrus-compositor? (it printed {text[:200]!r})")
    return path


class PackagedApps:
    """A temporary registry of packaged apps, each one page (app id -> HTML,
    or -> {file name: text or bytes}),
    installed with the real CLI of `build_dir`, whose compositor and web-app
    host are checked too; config() writes a compositor config beside it and
    start() runs a headless Cirrus (no shell, no standby host unless the
    config says) on it. The set-up of the lifecycle and JIT benchmarks."""

    def __init__(self, build_dir, prefix, pages):
        build = os.path.abspath(build_dir)
        self.cirrus = check_cirrus(os.path.abspath(default_cirrus(build)))
        cli = require_executable(os.path.join(build, "launcher", "cirrus"), "the cirrus CLI",
                                 "build it: ninja -C BUILD launcher/cirrus")
        require_executable(os.path.join(build, "webapp-host", "cirrus-webapp-host"), "cirrus-webapp-host",
                           "build it: ninja -C BUILD webapp-host/cirrus-webapp-host")
        self.root = make_tempdir(prefix)
        self.registry = os.path.join(self.root, "registry.db")
        env = dict(os.environ, HOME=self.root, XDG_DATA_HOME=os.path.join(self.root, "data"),
                   CIRRUS_REGISTRY=self.registry)
        for app, page in pages:
            folder = os.path.join(self.root, "packages", app)
            # A page, or {file name: text or bytes} with an index.html.
            for name, body in (page.items() if isinstance(page, dict) else [("index.html", page)]):
                if isinstance(body, bytes):
                    os.makedirs(folder, exist_ok=True)
                    with open(os.path.join(folder, name), "wb") as f:
                        f.write(body)
                else:
                    write_text(os.path.join(folder, name), body)
            write_text(os.path.join(folder, "manifest.webmanifest"),
                       json.dumps({"name": app, "start_url": "./index.html", "display": "standalone"}))
            r = subprocess.run([cli, "--registry", self.registry, "install", folder], env=env,
                               capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
            if r.returncode != 0:
                raise BenchError(f"`cirrus install {folder}` failed: {(r.stderr or r.stdout)[-500:]}")

    def config(self, name, text):
        path = os.path.join(self.root, f"{name}.conf")
        write_text(path, text)
        return path

    def start(self, socket_name, extra_args=()):
        comp = Cirrus(None, self.cirrus, socket_name=socket_name)
        data = os.path.join(comp.runtime_dir, "data")
        os.makedirs(data, 0o700)
        comp.start(list(extra_args), {"XDG_DATA_HOME": data, "CIRRUS_REGISTRY": self.registry})
        comp.wait_ready(timeout=15)
        return comp


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def fmt(v, digits=1):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)
