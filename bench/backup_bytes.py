#!/usr/bin/env python3
"""Backup and restore over WebDAV (issue 19): bytes sent and restore time.

A phone with --apps packaged apps (default 10), each with what the web-app
host keeps for it: a localStorage SQLite file (ItemTable, as WebKit writes
it) of notes, an IndexedDB SQLite file of --idb-kib (default 256 KiB), and a
LevelDB-style log file. `cirrus backup now` sends it to a real WebDAV server
(Apache mod_dav, apache2-bin, on loopback) through cirrus-weak-link, which
counts the bytes on the wire (bodies, headers, PROPFINDs and all). In one
invocation:

  1. the first full backup (the baseline every later one is measured against);
  2. the same phone unchanged;
  3. one note changed (one localStorage row of one app): goal under 64 KB;
     the peer is what a whole-file copy of that app's data would send;
  4. a restore into an empty phone (the same account): time and bytes down,
     on --profile (default good: 10 Mbit/s down, +40 ms).

  bench/backup_bytes.py [--build-dir build] [--apps 10] [--idb-kib 256]
                        [--profile good] [-v]
"""
import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import BenchError, log  # noqa: E402
from photo_resume import Apache  # noqa: E402

PASSPHRASE = "correct horse battery staple\n"
GOAL = 64 * 1000


class Phone:
    """One phone's folders; `cirrus` run with them."""

    def __init__(self, root, url, cli):
        self.root = root
        self.cli_path = cli
        self.data = os.path.join(root, "data")
        config = os.path.join(root, "config", "cirrus")
        os.makedirs(config, mode=0o700)
        self.account = os.path.join(config, "account.json")
        fd = os.open(self.account, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"url": url, "user": "alice", "secret": "secret", "secret_kind": "password"}, f)
        self.env = dict(os.environ, HOME=root, XDG_DATA_HOME=self.data, XDG_CONFIG_HOME=os.path.join(root, "config"),
                        XDG_CACHE_HOME=os.path.join(root, "cache"), XDG_RUNTIME_DIR=root,
                        CIRRUS_ACCOUNT_FILE=self.account, no_proxy="*", http_proxy="", https_proxy="")
        for name in ("CIRRUS_REGISTRY", "CIRRUS_APPS_DIR", "CIRRUS_OFFLINE_STORE"):
            self.env.pop(name, None)

    def cli(self, args, stdin=""):
        run = subprocess.run([self.cli_path] + args, input=stdin, capture_output=True, text=True, env=self.env)
        if run.returncode != 0:
            raise BenchError(f"cirrus {' '.join(args)}: {run.stderr.strip()} {run.stdout.strip()}")
        return run.stdout

    def app_data(self, app_id):
        return os.path.join(self.data, "cirrus", "app-data", app_id)


def make_apps(phone, count, idb_kib):
    ids = []
    for i in range(count):
        app_id = f"app{i:02d}"
        folder = os.path.join(phone.root, "packages", app_id)
        os.makedirs(folder)
        benchlib.write_text(os.path.join(folder, "manifest.json"),
                            json.dumps({"name": f"App {i}", "start_url": "index.html", "display": "standalone"}))
        benchlib.write_text(os.path.join(folder, "index.html"), f"<!doctype html><title>App {i}</title>" + "x" * 20000)
        phone.cli(["install", folder])
        data = phone.app_data(app_id)
        os.makedirs(os.path.join(data, "LocalStorage"))
        with sqlite3.connect(os.path.join(data, "LocalStorage", f"app_{app_id}_0.localstorage")) as db:
            db.execute("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB NOT NULL)")
            db.executemany("INSERT INTO ItemTable VALUES (?, ?)",
                           [(f"note-{n}", ("note %d of app %d " % (n, i)) * 20) for n in range(100)])
        os.makedirs(os.path.join(data, "IndexedDB", "v1", f"app_{app_id}_0"))
        with sqlite3.connect(os.path.join(data, "IndexedDB", "v1", f"app_{app_id}_0", "IndexedDB.sqlite3")) as db:
            db.execute("CREATE TABLE Records (id INTEGER PRIMARY KEY, value BLOB)")
            db.executemany("INSERT INTO Records VALUES (?, ?)",
                           [(n, os.urandom(1000)) for n in range(idb_kib)])
        os.makedirs(os.path.join(data, "leveldb"))
        with open(os.path.join(data, "leveldb", "000003.log"), "wb") as f:
            f.write(os.urandom(64 * 1024))
        ids.append(app_id)
    return ids


LINE = re.compile(r"sent (\d+) of (\d+) chunks \((\d+) bytes\) and the manifest \((\d+) bytes\)")


def backup(phone, link, stdin=""):
    before = link.stats()["up"]
    started = time.monotonic()
    out = phone.cli(["backup", "now"] + (["--passphrase-stdin"] if stdin else []), stdin)
    seconds = time.monotonic() - started
    link.wait_idle()
    match = LINE.search(out)
    if not match:
        raise BenchError(f"cirrus backup now said: {out.strip()}")
    sent, total, chunk_bytes, manifest = (int(g) for g in match.groups())
    return {"up": link.stats()["up"] - before, "chunks": f"{sent} / {total}", "chunk_bytes": chunk_bytes,
            "manifest": manifest, "seconds": seconds}


def folder_bytes(folder):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(folder) for f in files)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(os.path.dirname(__file__), "..", "build"))
    parser.add_argument("--apps", type=int, default=10)
    parser.add_argument("--idb-kib", type=int, default=256)
    parser.add_argument("--profile", default="good")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    cli = os.path.join(args.build_dir, "launcher", "cirrus")
    link_path = os.path.join(args.build_dir, "tests", "tools", "cirrus-weak-link")
    for path in (cli, link_path):
        benchlib.require_executable(path, os.path.basename(path),
                                    f"ninja -C {args.build_dir} launcher/cirrus tests/tools/cirrus-weak-link")
    root = benchlib.make_tempdir("cirrus-backup-bench-")
    apache = Apache(os.path.join(root, "server"))
    link = benchlib.WeakLink(link_path, apache.port, "none")
    try:
        phone = Phone(os.path.join(root, "phone"), link.url("/"), cli)
        log(f"{args.apps} apps with their data")
        ids = make_apps(phone, args.apps, args.idb_kib)
        data_bytes = sum(folder_bytes(phone.app_data(i)) for i in ids)
        log("first backup")
        first = backup(phone, link, PASSPHRASE)
        log("unchanged")
        unchanged = backup(phone, link)
        log("one note changed")
        with sqlite3.connect(os.path.join(phone.app_data(ids[3]), "LocalStorage",
                                          f"app_{ids[3]}_0.localstorage")) as db:
            db.execute("UPDATE ItemTable SET value = ? WHERE key = 'note-42'", ("bought the milk",))
        note = backup(phone, link)
        whole_app = folder_bytes(phone.app_data(ids[3]))

        log(f"restore into an empty phone on {args.profile}")
        snapshot = phone.cli(["backup", "list"]).split()[-1]
        link.set_profile(args.profile)
        fresh = Phone(os.path.join(root, "fresh"), link.url("/"), cli)
        down_before = link.stats()["down"]
        up_before = link.stats()["up"]
        started = time.monotonic()
        out = fresh.cli(["backup", "restore", snapshot, "--passphrase-stdin"], PASSPHRASE)
        restore_s = time.monotonic() - started
        link.wait_idle()
        down = link.stats()["down"] - down_before
        up = link.stats()["up"] - up_before
        if args.verbose:
            log(out.strip())
        for app_id in ids:
            old = os.path.join(phone.app_data(app_id), "leveldb", "000003.log")
            new = os.path.join(fresh.app_data(app_id), "leveldb", "000003.log")
            with open(old, "rb") as a, open(new, "rb") as b:
                if a.read() != b.read():
                    raise BenchError(f"{app_id}: the restored data differs")
    finally:
        link.stop()
        apache.stop()

    print(f"\nBackup to Apache mod_dav through cirrus-weak-link: {args.apps} apps, "
          f"{data_bytes:,} bytes of app data (bytes on the wire, headers included)\n")
    print("| run | chunks sent | chunk bytes | manifest | bytes up | time |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, run in (("first backup (baseline)", first), ("unchanged", unchanged), ("one note changed", note)):
        print(f"| {name} | {run['chunks']} | {run['chunk_bytes']:,} | {run['manifest']:,} | {run['up']:,} | "
              f"{run['seconds']:.2f} s |")
    print(f"| peer: whole-file copy of the changed app's data | - | - | - | {whole_app:,} | - |")
    print(f"\nRestore of {args.apps} apps into an empty phone on {args.profile}: {restore_s:.2f} s, "
          f"{down:,} bytes down, {up:,} bytes up")
    ok = note["up"] < GOAL
    print(f"\ngoal (a backup after one note changed under 64 KB): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    benchlib.run_main(main)
