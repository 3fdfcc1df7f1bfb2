package io.handoff.it.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end under QEMU (TCG) on a UEFI machine: the Debian kernel boots through OVMF (Debian's {@code ovmf}
 * package, pflash code + a fresh copy of the variable store per run; q35, 2 GiB, {@code crashkernel=256M}),
 * writes an EFI variable ({@code HandoffTest-<guid>}, attributes NV|BS|RT) through efivarfs, and hands off to a
 * second kernel, which must have EFI runtime services: {@code /sys/firmware/efi} present, efivars readable and the
 * variable read back, and no "Unable to switch EFI into virtual mode" in its log. Each handoff run follows a
 * kexec-tools run of the same scenario, which proves the harness. Tagged {@code qemu} (Maven profile {@code qemu}).
 */
@Tag("qemu")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuOvmfTests {
    private static final String STOP = "HQ: END|purgatory: halt|Kernel panic - not syncing: (Attempted|VFS)";
    /** The machine: OVMF, q35, 2 GiB (the profile qemu-q35-ovmf-x86_64-2g was captured on the same). */
    private static final Map<String, String> OVMF = Map.of("HQ_FIRMWARE", "ovmf", "HQ_MACHINE", "q35",
            "HQ_MEM", "2048", "HQ_CRASHKERNEL", "256M");
    private static final String[] EFI_IN_THE_NEXT_KERNEL = {"HQ: EFI: /sys/firmware/efi present",
        "HQ: EFI: efivars readable", "HQ: EFI: variable read back: handoff-"};
    private static QemuGuest guest;

    @BeforeAll
    static void prepareTheGuest() throws IOException, InterruptedException {
        guest = QemuGuest.preparedX86_64(); // prepare.sh installs ovmf when missing
        assertThat(Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd")).as("prepare.sh installs ovmf").isReadable();
    }

    @Test
    @Order(1)
    void rebootWithDebianKexecToolsKeepsEfiRuntimeServices() throws Exception {
        GuestRun run = boot("reboot-kexec-tools", "ovmf-reboot-kexec-tools", 300);
        run.expect("HQ: EFI: variable written: handoff-", "HQ: LOADED kexec -l loaded=1", "HQ: SECOND KERNEL UP");
        run.expect(EFI_IN_THE_NEXT_KERNEL);
        expectNo(run, "Unable to switch EFI into virtual mode", "HQ: EFI: variable MISMATCH", "HQ: EFI: variable HandoffTest");
    }

    @Test
    @Order(2)
    void rebootWithHandoffKeepsEfiRuntimeServices() throws Exception {
        GuestRun run = boot("reboot-handoff", "ovmf-reboot-handoff", 300);
        run.expect("HQ: EFI: variable written: handoff-", "HQ: LOADED handoff load rc=0", "HQ: EXEC",
                "HQ: SECOND KERNEL UP");
        run.expect(EFI_IN_THE_NEXT_KERNEL);
        expectNo(run, "Unable to switch EFI into virtual mode", "HQ: EFI: variable MISMATCH", "HQ: EFI: variable HandoffTest",
                "EFI NOT passed");
    }

    @Test
    @Order(3)
    void kdumpWithDebianKexecToolsBootsTheCaptureKernelWithEfi() throws Exception {
        GuestRun run = boot("kdump-kexec-tools", "ovmf-kdump-kexec-tools", 300);
        run.expect("HQ: LOADED kexec -p crash_loaded=1", "Kernel panic - not syncing: sysrq triggered crash",
                "HQ: CAPTURE KERNEL UP", "HQ: vmcore is ELF core", "HQ: makedumpfile -d 31 rc=0", "HQ: END capture");
        run.expect(EFI_IN_THE_NEXT_KERNEL);
        expectNo(run, "Unable to switch EFI into virtual mode");
    }

    @Test
    @Order(4)
    void kdumpWithHandoffBootsTheCaptureKernelWithEfi() throws Exception {
        GuestRun run = boot("kdump-handoff", "ovmf-kdump-handoff", 400);
        run.expect("HQ: LOADED handoff load --crash rc=0", "Kernel panic - not syncing: sysrq triggered crash",
                "purgatory: handoff v1", "HQ: CAPTURE KERNEL UP", "HQ: vmcore is ELF core",
                "HQ: makedumpfile -d 31 rc=0", "HQ: END capture");
        run.expect(EFI_IN_THE_NEXT_KERNEL);
        expectNo(run, "Unable to switch EFI into virtual mode", "EFI NOT passed");
        // the capture kernel's command line has no acpi_rsdp= when EFI is passed, as with kexec-tools
        assertThat(run.linesStartingWith("HQ: cmdline: ")).as(run.excerpt()).noneMatch(l -> l.contains("acpi_rsdp="));
    }

    private static GuestRun boot(String scenario, String name, int timeout) throws Exception {
        Map<String, String> env = new HashMap<>(OVMF);
        env.put("HQ_STOP_ON", STOP);
        GuestRun run = guest.boot(scenario, name, timeout, env);
        System.out.println("--- " + name + ": EFI lines");
        run.console().stream().filter(l -> l.contains("HQ: EFI") || l.contains("HQ: efi dmesg") || l.contains("HQ: END")
                || l.contains("HQ: makedumpfile") || l.contains("[qemu] exit")).forEach(System.out::println);
        return run;
    }


    private static void expectNo(GuestRun run, String... markers) {
        for (String m : markers) {
            if (run.saw(m)) {
                fail("guest run '" + run.name() + "' printed '" + m + "'\n" + run.excerpt());
            }
        }
    }
}
