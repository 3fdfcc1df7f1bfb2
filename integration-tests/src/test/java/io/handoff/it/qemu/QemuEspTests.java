package io.handoff.it.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end under QEMU (TCG) for EFI-assisted kdump (issue 15): the ground it needs.
 * <ul>
 * <li>esp-boot: OVMF (q35, 2 GiB) boots the first kernel from an EFI system partition on a writable virtio-blk
 * disk (run-guest.sh {@code HQ_BOOT=esp}: the UEFI Shell's startup.nsh runs {@code \vmlinuz initrd=\initrd.gz ...}),
 * which mounts the ESP read-write, writes a file and an EFI variable, fills 256 MiB with hq-pattern, points
 * startup.nsh at the second stage and resets warm ({@code reboot=efi,warm}: EFI ResetSystem(EfiResetWarm)); the same
 * QEMU process boots again from the ESP and the second kernel reads the file and the variable back.</li>
 * <li>pattern-kdump: kexec-tools {@code kexec -p} on a BIOS guest (1 GiB, crashkernel=256M) with an ESP data disk;
 * hq-pattern fills 256 MiB before the panic, and the capture kernel checks every pattern page through
 * /proc/vmcore's PT_LOADs; a control list (pages at 1 MiB, pages of the crash region) proves the check can fail.</li>
 * </ul>
 * Tagged {@code qemu} (Maven profile {@code qemu}). The distribution is not needed: no handoff runs here.
 */
@Tag("qemu")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuEspTests {
    private static final String STOP = "HQ: END|purgatory: halt|Kernel panic - not syncing: (Attempted|VFS)";
    private static final int PATTERN_MIB = 256;
    private static final int PATTERN_PAGES = PATTERN_MIB * 256;
    private static QemuGuest guest;

    @BeforeAll
    static void prepareTheGuest() throws IOException, InterruptedException {
        guest = QemuGuest.preparedX86_64(false);
        assertThat(Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd")).as("prepare.sh installs ovmf").isReadable();
    }

    @Test
    @Order(1)
    void firstKernelBootsFromTheEspAndAWarmResetBootsItAgainWithFileAndVariableKept() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("HQ_FIRMWARE", "ovmf", "HQ_BOOT", "esp", "HQ_MACHINE", "q35",
                "HQ_MEM", "2048", "HQ_CRASHKERNEL", "256M", "HQ_APPEND", "reboot=efi,warm",
                "HQ_PATTERN_MIB", Integer.toString(PATTERN_MIB)));
        // a panic would reboot forever here (no -no-reboot): stop on any
        env.put("HQ_STOP_ON", "HQ: END|Kernel panic");
        GuestRun run = guest.boot("esp-boot", "esp-boot", 400, env);
        print(run);
        assertThat(run.exitCode()).as("run-guest.sh's exit status\n" + run.excerpt()).isZero();
        run.expect("EFI Internal Shell", "HQ: FIRST KERNEL UP", "HQ: EFI: /sys/firmware/efi present",
                "HQ: ESP: /dev/vda1 mounted at /boot/efi: vfat rw", "HQ: ESP: file written: ",
                "HQ: EFI: variable written: handoff-esp-boot-", "HQ: hq-pattern: ready " + PATTERN_PAGES + " pages",
                "HQ: reboot: type efi, mode warm", "HQ: RESETTING (reboot -f)", "reboot: machine restart",
                "HQ: SECOND KERNEL UP", "HQ: END second");
        List<String> cmdlines = run.linesStartingWith("HQ: cmdline: ");
        assertThat(cmdlines).as(run.excerpt()).hasSize(2);
        // booted by the shell from the ESP (its first word is the image's path), never by QEMU's -kernel
        assertThat(cmdlines.get(0)).as("first kernel's command line").startsWith("HQ: cmdline: \\vmlinuz initrd=\\initrd.gz ")
                .contains("console=ttyS0", "crashkernel=256M", "hq.scenario=esp-boot", "hq.env=", "reboot=efi,warm")
                .doesNotContain("hq.stage=");
        assertThat(cmdlines.get(1)).as("second kernel's command line (startup.nsh as the first kernel rewrote it)")
                .startsWith("HQ: cmdline: \\vmlinuz initrd=\\initrd.gz ").contains("hq.stage=second", "hq.efivar=handoff-esp-boot-");
        // the firmware came up twice, in one QEMU process
        assertThat(run.console().stream().filter(l -> l.contains("EFI Internal Shell") && l.contains("starting")).count())
                .as("OVMF boots (BdsDxe starting the shell)\n" + run.excerpt()).isEqualTo(2);
        String written = run.after("HQ: ESP: file written: ");
        assertThat(run.after("HQ: ESP: file read back: ")).as(run.excerpt()).isEqualTo(written);
        String variable = run.after("HQ: EFI: variable written: ");
        assertThat(run.after("HQ: EFI: variable read back: ")).as(run.excerpt()).isEqualTo(variable + " (attributes 7)");
        assertThat(run.after("HQ: ESP: frame list of the first kernel: ")).isEqualTo(PATTERN_PAGES * 8 + " bytes");
        // times, from the host stamps: QEMU start (a reset) and the warm reset to each kernel's /init
        double firstInit = run.time("Run /init as init process", 0);
        double reset = run.time("reboot: machine restart", firstInit);
        double secondShell = run.time("BdsDxe: starting .*EFI Internal Shell", reset);
        double secondStub = run.time("EFI stub: Loaded initrd", reset);
        double secondInit = run.time("Run /init as init process", reset);
        System.out.printf("esp-boot: first boot, QEMU start to /init %.1f s; warm reset to /init %.1f s "
                + "(to the shell %.1f s, shell + kernel and initrd read %.1f s, kernel to /init %.1f s)%n", firstInit,
                secondInit - reset, secondShell - reset, secondStub - secondShell, secondInit - secondStub);
        assertThat(secondInit - reset).as("warm reset to the second kernel's /init, s").isLessThan(180);
    }

    @Test
    @Order(2)
    void patternFilledBeforeThePanicIsIntactInTheVmcore() throws Exception {
        Map<String, String> env = Map.of("HQ_ESP_MIB", "16", "HQ_PATTERN_MIB", Integer.toString(PATTERN_MIB),
                "HQ_STOP_ON", STOP);
        GuestRun run = guest.boot("pattern-kdump", "pattern-kdump", 400, env);
        print(run);
        run.expect("HQ: LOADED kexec -p crash_loaded=1", "HQ: hq-pattern: ready " + PATTERN_PAGES + " pages",
                "Kernel panic - not syncing: sysrq triggered crash", "HQ: CAPTURE KERNEL UP", "HQ: vmcore is ELF core",
                "HQ: END capture");
        assertThat(run.linesStartingWith("HQ: hq-pattern: ")).as(run.excerpt())
                .contains("HQ: hq-pattern: " + PATTERN_PAGES + " pages intact, 0 differ, 0 not in the dump");
        run.expect("HQ: pattern check rc=0");
        // the control: the tool does report pages that differ and pages outside the dump
        List<String> control = run.linesStartingWith("HQ: control: ");
        assertThat(control).as(run.excerpt()).contains("HQ: control: hq-pattern: 0 pages intact, 16 differ, 16 not in the dump",
                "HQ: control: hq-pattern: differ 0x100000-0x110000");
        assertThat(control).anyMatch(l -> l.startsWith("HQ: control: hq-pattern: not in the dump 0x"));
        double crash = run.time("TRIGGERING CRASH", 0);
        double capture = run.time("HQ: CAPTURE KERNEL UP", crash);
        System.out.printf("pattern-kdump: panic to the capture kernel's init %.1f s; %s%n", capture - crash,
                run.after("HQ: pattern check "));
    }

    private static void print(GuestRun run) {
        System.out.println("--- " + run.name());
        run.console().stream().filter(l -> l.contains("HQ: ") && !l.contains("insmod") && !l.contains("HQ: vmcore: ")
                && !l.contains("HQ: makedumpfile: ") || l.contains("Run /init") || l.contains("BdsDxe: starting")
                || l.contains("EFI stub") || l.contains("machine restart") || l.contains("[qemu] exit"))
                .forEach(System.out::println);
    }



}
