#!/usr/bin/env python3
"""M8 — a device image's boot: power-on to the home screen, and the memory
Cirrus adds over the same image booted to a plain console login (the peer,
the floor), in one invocation.

Each round boots the image (board/build-image) three times in QEMU through
board/boot-test: Cirrus as the profile sets it, Cirrus with no standby app
host (cirrus.prestart=0 on the kernel command line: what the compositor and
shell cost alone), and the console-only boot entry. Memory is read in the
guest at the same uptime for all three (MemTotal - MemAvailable, the
cirrus-boot-report line); time zero for "user space" is the initramfs's first
script (a line on the serial console), for "power-on" QEMU's start.

  bench/m8_boot.py [--image FILE] [-n ROUNDS] [--memory MIB] [--no-kvm]

Without /dev/kvm (or where KVM cannot run the guest) QEMU emulates the CPU
in software: every time is then several times what the device would take;
the table says which it was.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOOT_TEST = os.path.join(REPO, "board", "boot-test")
GOAL_SECONDS = 3.0
GOAL_MIB = 40.0


def boot(args, kind, prestart=None):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [BOOT_TEST, "--image", args.image, "--boot", kind, "--memory", str(args.memory), "--json", out.name]
        if prestart is not None:
            cmd += ["--prestart", str(prestart)]
        if args.no_kvm:
            cmd.append("--no-kvm")
        print("m8: " + " ".join(cmd[1:]), flush=True)
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode == 77:
            sys.exit("m8: boot-test skipped: " + done.stdout.strip().splitlines()[-1])
        try:
            with open(out.name) as f:
                data = json.load(f)
        except (OSError, ValueError):
            sys.exit(f"m8: boot-test wrote no results (exit {done.returncode}):\n{done.stdout}")
    for r in data["results"]:
        for failure in r["failures"]:
            print(f"m8: {kind}: {failure}", flush=True)
    return data, data["results"][0]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--image", default=os.path.join(REPO, "build-board-image", "cirrus-vm.img"))
    ap.add_argument("-n", "--rounds", type=int, default=1)
    ap.add_argument("--memory", type=int, default=1024, help="the machine's RAM in MiB (default 1024)")
    ap.add_argument("--no-kvm", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(args.image):
        sys.exit(f"m8: no image at {args.image} (board/build-image --profile vm)")

    configs = [("Cirrus (profile)", "cirrus", None), ("Cirrus, no standby host", "cirrus", 0),
               ("console login (peer: the floor)", "console", None)]
    samples = {name: [] for name, _, _ in configs}
    kvm = None
    for _ in range(args.rounds):
        for name, kind, prestart in configs:  # interleaved: drift hits all alike
            data, result = boot(args, kind, prestart)
            kvm = data["kvm"]
            samples[name].append(result)

    def col(name, key):
        return median([r.get(key) for r in samples[name]])

    def used(name, key="used_kib"):
        return median([int(r["report"][key]) / 1024 if key in r.get("report", {}) else None for r in samples[name]])

    floor = used(configs[2][0])
    floor_nocache = used(configs[2][0], "used_nocache_kib")
    fmt = lambda v, unit="s": "-" if v is None else (f"{v:.2f} s" if unit == "s" else f"{v:.1f} MiB")  # noqa: E731
    print(f"\n## M8 boot: {os.path.basename(args.image)}, {'KVM' if kvm else 'software emulation (TCG)'}, "
          f"{args.memory} MiB RAM, medians of {args.rounds}\n")
    print("| boot | power-on to user space | user space to first home frame | user space to complete home | "
          "memory used | over the floor | without page cache, over the floor | cirrus user's PSS |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, kind, _ in configs:
        mem = used(name)
        nocache = used(name, "used_nocache_kib")
        over = None if mem is None or floor is None or kind == "console" else mem - floor
        over_nc = None if nocache is None or floor_nocache is None or kind == "console" else nocache - floor_nocache
        print(f"| {name} | {fmt(col(name, 'power_on_to_user_space'))} | {fmt(col(name, 'user_space_to_first_home'))} | "
              f"{fmt(col(name, 'user_space_to_home'))} | {fmt(mem, 'm')} | {fmt(over, 'm')} | {fmt(over_nc, 'm')} | "
              f"{fmt(used(name, 'cirrus_pss_kib'), 'm')} |")
    print(f"\nGoals: home within {GOAL_SECONDS:g} s of user space, at most {GOAL_MIB:g} MiB over the floor.")
    for name, kind, _ in configs[:2]:
        home, mem = col(name, "user_space_to_home"), used(name)
        if home is not None and mem is not None and floor is not None:
            print(f"- {name}: home {home:.2f} s ({'met' if home <= GOAL_SECONDS else 'NOT met'}"
                  f"{'' if kvm else ', under software emulation'}), {mem - floor:.1f} MiB over the floor "
                  f"({'met' if mem - floor <= GOAL_MIB else 'NOT met'})")
    for name, kind, _ in configs[:2]:
        last = samples[name][-1]
        processes = last.get("processes") or {}
        if processes:
            print(f"\n{name}, the cirrus user's programs (last round; PSS, of which anonymous): " + ", ".join(
                f"{p} {int(v['pss_kib']) / 1024:.1f} MiB ({int(v.get('pss_anon_kib', 0)) / 1024:.1f})" for p, v in
                sorted(processes.items(), key=lambda kv: -int(kv[1]["pss_kib"]))))
        if last.get("boot_chain"):
            print(f"\n{name}, what the boot waited for (systemd-analyze critical-chain cirrus.service, blame):")
            for line in last["boot_chain"]:
                print(f"    {line}")


if __name__ == "__main__":
    main()
