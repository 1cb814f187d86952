#!/usr/bin/env python3
"""board/boot-test's decisions without a virtual machine: when a boot with
KVM is run again with software emulation (kvm_fallback_reason), and what the
lifecycle test's guest line must say to pass (lifecycle_failures)."""
import importlib.machinery
import importlib.util
import os
import sys
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True
_loader = importlib.machinery.SourceFileLoader("boot_test", os.path.join(REPO, "board", "boot-test"))
_spec = importlib.util.spec_from_loader("boot_test", _loader)
boot_test = importlib.util.module_from_spec(_spec)
_loader.exec_module(boot_test)


class KvmFallback(unittest.TestCase):
    def test_internal_error_on_the_console(self):
        output = ("BdsDxe: loading Boot0001\nKVM internal error. Suberror: 1\nextra data[0]: 0x0000000000000000\n"
                  "emulation failure\nRAX=0000000000000000")
        reason = boot_test.kvm_fallback_reason(output, None, 1.2)
        self.assertIsNotNone(reason)
        self.assertIn("KVM internal error. Suberror: 1", reason)

    def test_msr_assertion_after_qemu_aborted(self):
        output = ("qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3295: kvm_buf_set_msrs: Assertion "
                  "`ret == cpu->kvm_msr_buf->nmsrs' failed.")
        reason = boot_test.kvm_fallback_reason(output, -6, 0.4)
        self.assertIn("kvm_buf_set_msrs", reason)

    def test_failed_to_set_msr(self):
        reason = boot_test.kvm_fallback_reason("qemu-system-x86_64: error: failed to set MSR 0x48f to 0x7fffff00036dfb",
                                               1, 0.3)
        self.assertIn("failed to set MSR 0x48f", reason)

    def test_qemu_that_ends_at_once(self):
        reason = boot_test.kvm_fallback_reason("", 1, 0.5)
        self.assertIn("exit status 1", reason)

    def test_a_guest_that_runs_is_left_alone(self):
        self.assertIsNone(boot_test.kvm_fallback_reason("BdsDxe: loading Boot0001\nCIRRUS-BOOT userspace uptime=1.9",
                                                        None, 3.0))

    def test_a_qemu_that_ended_late_without_a_kvm_message_is_not_retried(self):
        # A guest that powered off or crashed after a minute: not KVM's doing.
        self.assertIsNone(boot_test.kvm_fallback_reason("reboot: Power down", 0, 60.0))


class LifecycleLine(unittest.TestCase):
    PASSING = ("CIRRUS-LIFECYCLE typed=yes text_back=yes notes_before=discarded notes_back_s=4.1 opened=11 "
               "discards=7 discarded=notes,calculator front_killed=no oom_kills=0 apps_oom_kills=0 "
               "session_oom_kills=0 compositor=same shell=same service=active slowest_launch_s=9.0 "
               "apps_peak_kib=301234 swap_used_kib=1024 frames=312 frame_p50_ms=2.1 frame_p95_ms=6.0 "
               "frame_max_ms=14.2")

    def test_a_passing_run(self):
        self.assertEqual(boot_test.lifecycle_failures(boot_test.parse_report(self.PASSING), 11), [])

    def test_each_failure_is_named(self):
        line = (self.PASSING.replace("text_back=yes", "text_back=no").replace("front_killed=no", "front_killed=yes")
                .replace("shell=same", "shell=changed").replace("opened=11", "opened=9").replace("frames=312", "frames=0"))
        wrong = boot_test.lifecycle_failures(boot_test.parse_report(line), 11)
        self.assertIn("text_back=no", wrong)
        self.assertIn("front_killed=yes", wrong)
        self.assertIn("shell=changed", wrong)
        self.assertTrue(any(w.startswith("opened=9") for w in wrong))
        self.assertTrue(any(w.startswith("frames=0") for w in wrong))

    def test_a_kernel_kill_of_the_session_fails(self):
        line = self.PASSING.replace("session_oom_kills=0", "session_oom_kills=1")
        self.assertEqual(boot_test.lifecycle_failures(boot_test.parse_report(line), 11), ["session_oom_kills=1"])


if __name__ == "__main__":
    unittest.main()
