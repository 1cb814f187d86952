#!/usr/bin/env python3
"""Photo upload cut by dead zones (issue 19): bytes sent again per cut.

A photo of --size-mb goes up with `cirrus-sync --once` to a real WebDAV
server (Apache mod_dav from apache2-bin, on loopback) through cirrus-weak-link
on --profile (default 3g: 750 kbit/s up, +300 ms). Every --cut-every-mb that
reaches the server, the link drops (profile `offline`: every connection is
reset, as when the phone enters a dead zone); cirrus-sync gives up with a
transient error, the link comes back, and cirrus-sync runs again and resumes.
The peer is the same upload uncut through an unshaped link: bytes sent again
= bytes up with cuts - bytes up uncut (the uncut run's headers and PROPFINDs
cancel out; what remains is resent body bytes plus each resume's few
requests). Goal: at most one chunk (--chunk-kib, default 1024) per cut.

The issue's case is 50 MB cut every 5 MB on 3g: about 9 minutes of 3G
uplink. The default is scaled to 10 MB cut every 1 MB (about 2 minutes);
--size-mb 50 --cut-every-mb 5 runs the full case.

  bench/photo_resume.py [--build-dir build] [--size-mb 10] [--cut-every-mb 1]
                        [--chunk-kib 1024] [--profile 3g] [-v]
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import BenchError, log  # noqa: E402

APACHE = "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Apache:
    """Apache httpd + mod_dav on 127.0.0.1, user alice / secret, in root."""

    def __init__(self, root):
        import base64
        import hashlib
        if not os.access(APACHE, os.X_OK):
            raise BenchError(f"{APACHE} is missing: apt-get install apache2-bin (debian-packages.txt)")
        self.files = os.path.join(root, "files")
        os.makedirs(self.files)
        os.makedirs(os.path.join(root, "run"))
        digest = base64.b64encode(hashlib.sha1(b"secret").digest()).decode()
        benchlib.write_text(os.path.join(root, "htpasswd"), f"alice:{{SHA}}{digest}\n")
        self.port = free_port()
        modules = "".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so\n" for m in (
            "mpm_event", "authz_core", "authz_user", "authn_core", "authn_file", "auth_basic", "dav", "dav_fs"))
        benchlib.write_text(os.path.join(root, "httpd.conf"), f"""ServerRoot {root}
ServerName 127.0.0.1
Listen 127.0.0.1:{self.port}
DefaultRuntimeDir {root}/run
PidFile {root}/run/httpd.pid
ErrorLog {root}/error.log
LogLevel warn
{modules}DAVLockDB {root}/run/DAVLock
DocumentRoot {self.files}
<Directory {self.files}>
  DAV On
  AuthType Basic
  AuthName "bench"
  AuthUserFile {root}/htpasswd
  Require valid-user
</Directory>
""")
        self.proc = benchlib.start_server([APACHE, "-DFOREGROUND", "-f", os.path.join(root, "httpd.conf")],
                                          self.port, 10, f"Apache (see {root}/error.log)")

    def stop(self):
        benchlib.stop_server(self.proc)


class Phone:
    def __init__(self, root, url, sync, chunk):
        self.root = root
        self.pictures = os.path.join(root, "Pictures")
        os.makedirs(self.pictures)
        self.account = os.path.join(root, "account.json")
        fd = os.open(self.account, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"url": url, "user": "alice", "secret": "secret", "secret_kind": "password"}, f)
        self.argv = [sync, "--once", "--account", self.account, "--pictures", self.pictures,
                     "--state", os.path.join(root, "state"), "--status", os.path.join(root, "status.json"),
                     "--settle-seconds", "0", "--link", "good", "--chunk-bytes", str(chunk),
                     "--data", os.path.join(root, "data")]

    def start(self):
        return subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def part_size(apache, name):
    try:
        return os.path.getsize(os.path.join(apache.files, "Photos", f".{name}.cirrus-part"))
    except OSError:
        return 0


def upload(args, sync, link_path, size, profile, cut_every):
    """One upload of a fresh photo; returns (bytes up, cuts, seconds)."""
    root = benchlib.make_tempdir("cirrus-photo-bench-")
    apache = Apache(os.path.join(root, "server"))
    link = benchlib.WeakLink(link_path, apache.port, profile)
    try:
        phone = Phone(os.path.join(root, "phone"), link.url("/"), sync, args.chunk_kib * 1024)
        photo = os.urandom(size)
        with open(os.path.join(phone.pictures, "IMG_0001.jpg"), "wb") as f:
            f.write(photo)
        cuts = 0
        next_cut = cut_every if cut_every else None
        started = time.monotonic()
        while True:
            proc = phone.start()
            while proc.poll() is None:
                if next_cut and part_size(apache, "IMG_0001.jpg") >= next_cut:
                    link.set_profile("offline")  # the dead zone: every connection reset
                    proc.wait(60)
                    link.set_profile(profile)
                    cuts += 1
                    next_cut += cut_every
                    if next_cut >= size:
                        next_cut = None
                    break
                time.sleep(0.02)
            out, err = proc.communicate()
            if args.verbose:
                log(f"run: status {proc.returncode}: {out.strip()} {err.strip()}")
            if proc.returncode == 0 and "uploaded as" in out:
                break
            if proc.returncode not in (0, 1):
                raise BenchError(f"cirrus-sync ended with {proc.returncode}: {err.strip()}")
        seconds = time.monotonic() - started
        with open(os.path.join(apache.files, "Photos", "IMG_0001.jpg"), "rb") as f:
            if f.read() != photo:
                raise BenchError("the photo on the server differs from the phone's")
        link.wait_idle()
        return link.stats()["up"], cuts, seconds
    finally:
        link.stop()
        apache.stop()


def sync_tools(build_dir):
    """cirrus-sync and cirrus-weak-link in the build folder, or BenchError with the ninja line."""
    sync = os.path.join(build_dir, "sync", "cirrus-sync")
    link_path = os.path.join(build_dir, "tests", "tools", "cirrus-weak-link")
    for path in (sync, link_path):
        benchlib.require_executable(path, os.path.basename(path),
                                    f"ninja -C {build_dir} sync/cirrus-sync tests/tools/cirrus-weak-link")
    return sync, link_path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(os.path.dirname(__file__), "..", "build"))
    parser.add_argument("--size-mb", type=float, default=10)
    parser.add_argument("--cut-every-mb", type=float, default=1)
    parser.add_argument("--chunk-kib", type=int, default=1024)
    parser.add_argument("--profile", default="3g")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    sync, link_path = sync_tools(args.build_dir)
    size = int(args.size_mb * 1e6)
    cut_every = int(args.cut_every_mb * 1e6)
    chunk = args.chunk_kib * 1024

    log("the peer: the same upload uncut, unshaped")
    reference_up, _, reference_s = upload(args, sync, link_path, size, "none", 0)
    log(f"cut every {args.cut_every_mb:g} MB on {args.profile}")
    cut_up, cuts, cut_s = upload(args, sync, link_path, size, args.profile, cut_every)
    again = cut_up - reference_up
    per_cut = again / cuts if cuts else 0
    print(f"\nPhoto upload, {args.size_mb:g} MB in {args.chunk_kib} KiB chunks (cirrus-sync, Apache mod_dav)\n")
    print("| run | link | cuts | bytes up | sent again | per cut | goal per cut | time |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| uncut (peer) | none | 0 | {reference_up:,} | - | - | - | {reference_s:.1f} s |")
    print(f"| cut every {args.cut_every_mb:g} MB | {args.profile} | {cuts} | {cut_up:,} | {again:,} | "
          f"{per_cut:,.0f} | {chunk:,} | {cut_s:.1f} s |")
    ok = cuts > 0 and per_cut <= chunk
    print(f"\ngoal (at most one chunk sent again per cut): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    benchlib.run_main(main)
