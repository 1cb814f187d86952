#!/usr/bin/env python3
"""Contacts over CardDAV (issue 19): bytes sent for a one-contact change.

Two phones (two data folders) sync contacts with a real Radicale (Debian
`radicale`, on loopback) and notes with a real Apache mod_dav, each through
its own cirrus-weak-link on --profile (default good), with `cirrus-sync
--once`. Bytes are what the links carried (request bytes on the wire:
headers and bodies), read from the links' counters around each run. The
peer, in the same run: the full first sync of --contacts contacts (phone A
sends them all, phone B takes them all in). Then one contact is edited on A
(sent: goal under 4 KB) and B takes the change in.

  bench/contact_bytes.py [--build-dir build] [--contacts 200] [--profile good] [-v]
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import BenchError, log  # noqa: E402
from photo_resume import Apache, free_port, sync_tools  # noqa: E402

GOAL_BYTES = 4096


class Radicale:
    """Radicale on 127.0.0.1, user alice / secret, storage in root."""

    def __init__(self, root):
        program = next((p for p in ("/usr/bin/radicale", "/usr/local/bin/radicale") if os.access(p, os.X_OK)), None)
        if not program:
            raise BenchError("radicale is missing: apt-get install radicale (debian-packages.txt)")
        os.makedirs(root)
        benchlib.write_text(os.path.join(root, "users"), "alice:secret\n")
        self.port = free_port()
        benchlib.write_text(os.path.join(root, "radicale.conf"), f"""[server]
hosts = 127.0.0.1:{self.port}
[auth]
type = htpasswd
htpasswd_filename = {root}/users
htpasswd_encryption = plain
delay = 0
[storage]
filesystem_folder = {root}/files
[logging]
level = warning
""")
        self.proc = benchlib.start_server([program, "--config", os.path.join(root, "radicale.conf")], self.port, 20,
                                          "Radicale")

    def stop(self):
        benchlib.stop_server(self.proc)


def card(i, phone):
    return (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-{i:04d}\r\nFN:Contact {i:04d}\r\n"
            f"N:{i:04d};Contact;;;\r\nTEL;TYPE=CELL:{phone}\r\nEMAIL:contact{i:04d}@example.org\r\nEND:VCARD\r\n")


class Phone:
    def __init__(self, root, files_url, contacts_url, sync, profile):
        self.root = root
        os.makedirs(os.path.join(root, "Pictures"))
        self.data = os.path.join(root, "data")
        self.account = os.path.join(root, "account.json")
        fd = os.open(self.account, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"url": files_url, "contacts_url": contacts_url, "user": "alice", "secret": "secret",
                       "secret_kind": "password"}, f)
        self.sync_argv = [sync, "--once", "--account", self.account, "--pictures", os.path.join(root, "Pictures"),
                          "--state", os.path.join(root, "state"), "--status", os.path.join(root, "status.json"),
                          "--data", self.data]

    def run(self, link, verbose):
        """One `cirrus-sync --once`; returns its stdout."""
        proc = subprocess.run(self.sync_argv + ["--link", link], capture_output=True, text=True, timeout=600)
        if verbose:
            log(f"cirrus-sync: {proc.returncode}: {proc.stdout.strip()} {proc.stderr.strip()}")
        if proc.returncode != 0:
            raise BenchError(f"cirrus-sync ended with {proc.returncode}: {proc.stderr.strip()}")
        return proc.stdout

    def database(self):
        return sqlite3.connect(os.path.join(self.data, "contacts.sqlite"))


def measured(links, action):
    """Runs action(); returns (its result, up bytes, down bytes per link, seconds)."""
    for link in links:
        link.wait_idle()
    before = [link.stats() for link in links]
    started = time.monotonic()
    result = action()
    seconds = time.monotonic() - started
    for link in links:
        link.wait_idle()
    after = [link.stats() for link in links]
    return (result, [a["up"] - b["up"] for a, b in zip(after, before)],
            [a["down"] - b["down"] for a, b in zip(after, before)], seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(os.path.dirname(__file__), "..", "build"))
    parser.add_argument("--contacts", type=int, default=200)
    parser.add_argument("--profile", default="good")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    sync, link_path = sync_tools(args.build_dir)
    root = benchlib.make_tempdir("cirrus-contact-bench-")
    radicale = Radicale(os.path.join(root, "radicale"))
    apache = Apache(os.path.join(root, "apache"))
    contacts_link = benchlib.WeakLink(link_path, radicale.port, args.profile)
    files_link = benchlib.WeakLink(link_path, apache.port, args.profile)
    links = [contacts_link, files_link]
    link_class = "2g" if args.profile == "2g" else "3g" if args.profile.startswith("3g") else "good"
    try:
        a = Phone(os.path.join(root, "a"), files_link.url("/"), contacts_link.url("/"), sync, args.profile)
        b = Phone(os.path.join(root, "b"), files_link.url("/"), contacts_link.url("/"), sync, args.profile)
        # An offline pass makes A's empty store (nothing is sent); then its contacts.
        subprocess.run(a.sync_argv + ["--link", "offline"], capture_output=True, timeout=60)
        with a.database() as db:
            db.executemany("INSERT INTO contacts (uid, vcard, changed, revision) VALUES (?, ?, 1, 1)",
                           [(f"bench-{i:04d}", card(i, f"+1 555 {i:04d}")) for i in range(args.contacts)])
        rows = []
        log(f"A: first sync of {args.contacts} contacts up")
        _, up, down, s = measured(links, lambda: a.run(link_class, args.verbose))
        rows.append((f"A: first sync, {args.contacts} contacts out (peer)", up, down, s))
        log(f"B: first sync of {args.contacts} contacts in")
        _, up, down, s = measured(links, lambda: b.run(link_class, args.verbose))
        rows.append((f"B: first sync, {args.contacts} contacts in (peer)", up, down, s))
        with a.database() as db:
            db.execute("UPDATE contacts SET vcard = ?, changed = 1, revision = revision + 1 WHERE uid = ?",
                       (card(7, "+1 555 9999"), "bench-0007"))
        log("A: one contact edited, synced")
        out, up, down, s = measured(links, lambda: a.run(link_class, args.verbose))
        if "1 out" not in out:
            raise BenchError(f"A did not send the change: {out.strip()}")
        one_change = up[0] + up[1]
        rows.append(("A: one contact changed, out", up, down, s))
        out, up, down, s = measured(links, lambda: b.run(link_class, args.verbose))
        if "1 in" not in out:
            raise BenchError(f"B did not take the change in: {out.strip()}")
        rows.append(("B: the change in", up, down, s))
        print(f"\nContacts over CardDAV (cirrus-sync --once, Radicale; notes on Apache mod_dav), "
              f"link {args.profile}\n")
        print("| run | sent to CardDAV | sent to WebDAV (notes) | received | time |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, up, down, s in rows:
            print(f"| {name} | {up[0]:,} B | {up[1]:,} B | {sum(down):,} B | {s:.2f} s |")
        ok = one_change < GOAL_BYTES
        print(f"\nbytes sent for a one-contact change: {one_change:,} (goal under {GOAL_BYTES:,}): "
              f"{'met' if ok else 'NOT met'}")
        return 0 if ok else 1
    finally:
        contacts_link.stop()
        files_link.stop()
        radicale.stop()
        apache.stop()


if __name__ == "__main__":
    benchlib.run_main(main)
