#!/usr/bin/env python3
"""Issue 16, item 3 (per-app cost): JavaScriptCore's JIT on and off, memory
against speed. See bench/README.md ("JavaScript JIT").

Two packaged apps in a temporary registry: "script" runs a JavaScript
workload a web app would (200 000 objects made and sorted, 20 000 of them
through JSON 20 times, a prime sieve by trial division) twice, 300 ms after
load, and puts both times in its title; "light" is a page of text with a
form (the bundled apps' kind). Each is launched in a fresh headless Cirrus
(--no-shell, no standby host) with `[apps] javascript_jit = on` and `off`
in turn, --rounds times; 2 s after the title says done (or the page is up),
the PSS of the host and of each process below it is read (smaps_rollup).
"""

import argparse
import os
import statistics
import time

import benchlib as bl
from benchlib import BenchError, log
import m2_m3_webapps as m23

SOCKET = "wayland-jit"

SCRIPT_PAGE = """<!doctype html><title>start</title><body style='margin:0;background:#3050d0;height:100vh'>
<script>
function work() {
  let acc = 0; const items = [];
  for (let i = 0; i < 200000; i++) items.push({id: i, name: 'item ' + i, v: Math.sin(i) * 1000});
  items.sort((a, b) => a.v - b.v);
  const text = JSON.stringify(items.slice(0, 20000));
  for (let r = 0; r < 20; r++) acc += JSON.parse(text).reduce((s, x) => s + x.v, 0);
  let primes = 0;
  for (let n = 2; n < 300000; n++) {
    let p = true;
    for (let d = 2; d * d <= n; d++) if (n % d === 0) { p = false; break; }
    if (p) primes++;
  }
  return acc + primes;
}
setTimeout(() => {
  const t0 = performance.now(); work(); const t1 = performance.now(); work(); const t2 = performance.now();
  document.title = 'done ' + Math.round(t1 - t0) + ' ' + Math.round(t2 - t1);
}, 300);
</script></body>"""

LIGHT_PAGE = ("<!doctype html><title>done</title><body style='margin:0;font:16px sans-serif'>"
              "<h1>Notes</h1>" + "<p>" + "A line of a note. " * 40 + "</p>" * 1 +
              "<form><input name=a><textarea name=b></textarea><button>Save</button></form>"
              "<script>document.querySelector('input').value = 'x'.repeat(20);</script></body>")


class Setup:
    def __init__(self, args):
        self.apps = bl.PackagedApps(args.build_dir, "bench-jit-", [("script", SCRIPT_PAGE), ("light", LIGHT_PAGE)])
        self.configs = {jit: self.apps.config(f"jit-{jit}", f"[apps]\nprestart = 0\nfreeze_after = 0\n"
                                                             f"javascript_jit = {jit}\n")
                        for jit in ("on", "off")}


def measure(setup, app, jit, timeout=120):
    comp = setup.apps.start(SOCKET, ["--config", setup.configs[jit]])
    try:
        m23.launch(comp, app)
        deadline = time.monotonic() + timeout
        title = ""
        while not title.startswith("done"):
            if time.monotonic() > deadline:
                raise BenchError(f"{app} (JIT {jit}) did not finish within {timeout} s (title {title!r})")
            time.sleep(0.2)
            for w in comp.control({"cmd": "windows"}).get("windows", []):
                title = w.get("title", "") or ""
        time.sleep(2)
        pid = m23.host_pid(comp, app)
        by = bl.tree_pss_by_name(pid)
        times = [int(x) for x in title.split()[1:]]
        return {"total": bl.tree_pss_kib(pid) / 1024, "host": by.get("cirrus-webapp-h", 0) / 1024,
                "web": by.get("WebKitWebProces", 0) / 1024, "network": by.get("WebKitNetworkPr", 0) / 1024,
                "times": times}
    finally:
        comp.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", default=os.path.join(bl.REPO, "build"))
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    setup = Setup(a)
    results = {}
    for r in range(a.rounds):
        for app in ("script", "light"):
            for jit in ("on", "off"):
                m = measure(setup, app, jit)
                results.setdefault((app, jit), []).append(m)
                log(f"round {r + 1}/{a.rounds}: {app}, JIT {jit}: {m['total']:.0f} MiB "
                    f"(web process {m['web']:.0f}), script {m['times']}")
    print("## JavaScript JIT on and off: memory against speed (medians of "
          f"{a.rounds} fresh launches each)\n")
    print("| page | JIT | app PSS | host | web process | network process | script: 1st run | 2nd run |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (app, jit), ms in results.items():
        def med(key):
            return statistics.median(m[key] for m in ms)
        runs = [statistics.median(m["times"][i] for m in ms) if all(len(m["times"]) > i for m in ms) else None
                for i in (0, 1)]
        cells = [f"{v:.0f} ms" if v is not None else "—" for v in runs]
        print(f"| {app} | {jit} | {med('total'):.0f} MiB | {med('host'):.0f} MiB | {med('web'):.0f} MiB | "
              f"{med('network'):.0f} MiB | {cells[0]} | {cells[1]} |")
    print()
    return 0


if __name__ == "__main__":
    bl.run_main(main)
