package io.handoff.it.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * End to end under QEMU (TCG) with OVMF for EFI-assisted kdump ({@code handoff load --crash --assist
 * efi-warm-reboot}, issue 15). The first kernel boots from an EFI system partition (run-guest.sh
 * {@code HQ_BOOT=esp}, q35, 2 GiB, crashkernel=256M), handoff in the guest arms the assist (resume application,
 * capture kernel and initrd on the ESP, {@code Boot4846}, the {@code HandoffRecord} variable) and loads the kdump
 * purgatory.
 * <ul>
 * <li>efi-assist: a pattern across the first kernel's memory, a panic; purgatory writes the crash marker, sets
 * BootNext and resets warm through EFI ResetSystem; OVMF starts the resume application, which checks the record and
 * the retained memory, reports what the firmware used and starts the capture kernel from the ESP; /proc/vmcore is
 * read by makedumpfile and every pattern page that differs lies in a range the application reported.</li>
 * <li>efi-assist-nocrash: BootNext set by hand and a warm reboot without a crash: the application refuses (no crash
 * marker) and the firmware goes on with its BootOrder; the next kernel shows why in {@code handoff status}.</li>
 * <li>efi-assist-nvfull: the firmware's variable store is full, so SetVariable(BootNext) fails in purgatory with
 * EFI_OUT_OF_RESOURCES, and purgatory falls back to the capture kernel in memory (classic kdump).</li>
 * </ul>
 * Tagged {@code qemu} (Maven profile {@code qemu}); needs the built distribution.
 */
@Tag("qemu")
class QemuEfiAssistTests {
    private static final int PATTERN_MIB = 1024;
    private static final Pattern USED = Pattern.compile("firmware used (0x[0-9a-f]+)-(0x[0-9a-f]+) type (\\d+|mixed)");
    private static final Pattern DIFFER = Pattern.compile("HQ: hq-pattern: differ (0x[0-9a-f]+)-(0x[0-9a-f]+)");
    private static QemuGuest guest;

    @BeforeAll
    static void prepareTheGuest() throws IOException, InterruptedException {
        guest = QemuGuest.preparedX86_64(true);
        assertThat(Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd")).as("prepare.sh installs ovmf").isReadable();
    }

    static Map<String, String> espMachine(String append) {
        return new HashMap<>(Map.of("HQ_FIRMWARE", "ovmf", "HQ_BOOT", "esp", "HQ_MACHINE", "q35", "HQ_MEM", "2048",
                "HQ_CRASHKERNEL", "256M", "HQ_APPEND", append, "HQ_PATTERN_MIB", Integer.toString(PATTERN_MIB),
                // no -no-reboot with an ESP boot: a panic before the capture kernel would reboot forever
                "HQ_STOP_ON", "HQ: END|Kernel panic - not syncing: (Attempted|VFS)"));
    }

    @Test
    void aPanicResetsThroughTheFirmwareAndTheResumeApplicationBootsTheCaptureKernelWithTheMemoryIntact()
            throws Exception {
        GuestRun run = guest.boot("efi-assist", "efi-assist", 900, espMachine("reboot=efi,warm"));
        print(run);
        assertThat(run.exitCode()).as("run-guest.sh's exit status\n" + run.excerpt()).isZero();
        run.expect("HQ: LOADED handoff load --crash --assist efi-warm-reboot rc=0",
                "HQ: EFI: Boot4846-8be4df61-93ca-11d2-aa0d-00e098032b8c: ",
                "HQ: EFI: HandoffRecord-3d1300c0-6df2-4c98-bd64-ac92e6d281fd: ",
                "HQ: hq-pattern: ready " + PATTERN_MIB * 256 + " pages", "purgatory: digests ok",
                "purgatory: wrote 16 bytes at 0x", "purgatory: EFI SetVariable returned 0x0",
                "purgatory: EFI call ResetSystem at 0x", "BdsDxe: starting Boot4846 \"handoff crash resume\"",
                "handoff-resume: ok: \\EFI\\handoff\\", "HQ: CAPTURE KERNEL UP", "HQ: vmcore is ELF core",
                "HQ: EFI: BootCurrent 4846", "HQ: EFI: HandoffResumeStatus: ok: ", "HQ: END capture");
        assertThat(run.saw("purgatory: jump to")).as("the firmware path, not the jump\n" + run.excerpt()).isFalse();
        // the capture kernel was started by the firmware, with the record's command line and the initrd on the ESP
        List<String> cmdlines = run.linesStartingWith("HQ: cmdline: ");
        String cmdline = cmdlines.get(cmdlines.size() - 1);
        assertThat(cmdline).contains("hq.stage=capture", "elfcorehdr=", "memmap=exactmap", "initrd=\\EFI\\handoff\\")
                .doesNotStartWith("\\vmlinuz");
        assertThat(run.after("HQ: makedumpfile -d 31 rc=")).startsWith("0 ");

        // what the application reported, on the console and in HandoffFirmwareUsed (read back by the capture kernel)
        List<long[]> used = ranges(run.linesStartingWith("handoff-resume: firmware used "));
        assertThat(ranges(run.linesStartingWith("HQ: EFI: firmware used "))).as("HandoffFirmwareUsed")
                .usingRecursiveComparison().isEqualTo(used);
        assertThat(run.linesStartingWith("HQ: EFI: HandoffFirmwareUsed: ")).containsExactly(
                "HQ: EFI: HandoffFirmwareUsed: " + used.size() + " ranges");

        // the pattern, page by page: every page that differs lies where the firmware said it had been
        List<String> check = run.linesStartingWith("HQ: hq-pattern: ");
        Matcher summary = Pattern.compile("HQ: hq-pattern: (\\d+) pages intact, (\\d+) differ, (\\d+) not in the dump")
                .matcher(check.stream().filter(l -> l.contains(" pages intact, ")).findFirst()
                        .orElseGet(() -> fail("no pattern check\n" + run.excerpt())));
        assertThat(summary.matches()).isTrue();
        long intact = Long.parseLong(summary.group(1));
        long differ = Long.parseLong(summary.group(2));
        assertThat(intact + differ).isEqualTo(PATTERN_MIB * 256L);
        assertThat(summary.group(3)).as("pattern pages outside the dump").isEqualTo("0");
        assertThat(check).as("every differing range listed").noneMatch(l -> l.contains("more ranges not listed"));
        List<long[]> differing = new ArrayList<>();
        for (String line : check) {
            Matcher m = DIFFER.matcher(line);
            if (m.matches()) {
                differing.add(new long[] {Long.decode(m.group(1)), Long.decode(m.group(2))});
            }
        }
        for (long[] d : differing) {
            assertThat(covered(used, d[0], d[1])).as("pages %#x-%#x differ but the application reported no firmware "
                    + "use there", d[0], d[1]).isTrue();
        }
        assertThat(differing.stream().mapToLong(d -> (d[1] - d[0]) / 4096).sum()).isEqualTo(differ);
        // the check can fail: its control pages differ and lie outside the dump
        assertThat(run.linesStartingWith("HQ: control: ")).as(run.excerpt())
                .contains("HQ: control: hq-pattern: 0 pages intact, 16 differ, 16 not in the dump");

        double crash = run.time("HQ: TRIGGERING CRASH", 0);
        double reset = run.time("purgatory: EFI call ResetSystem", crash);
        double app = run.time("BdsDxe: starting Boot4846", reset);
        double first = run.time("\\] Linux version ", app);
        double init = run.time("Run /init as init process", first);
        long usedKib = used.stream().mapToLong(r -> (r[1] - r[0]) >> 10).sum();
        System.out.printf("efi-assist: panic to the capture kernel's first line %.1f s, to its /init %.1f s (purgatory"
                        + " %.1f s, warm reset and OVMF to the application %.1f s, application and EFI stub to the "
                        + "kernel's first line %.1f s); the firmware used %d ranges, %d KiB, of the dumped memory; "
                        + "pattern: %d of %d pages differ%n", first - crash, init - crash, reset - crash, app - reset,
                first - app, used.size(), usedKib, differ, PATTERN_MIB * 256);
    }

    @Test
    void aWarmRebootWithoutACrashIsRefusedByTheApplicationAndTheFirmwareBootsAsUsual() throws Exception {
        GuestRun run = guest.boot("efi-assist-nocrash", "efi-assist-nocrash", 900, espMachine("reboot=efi,warm"));
        print(run);
        assertThat(run.exitCode()).as("run-guest.sh's exit status\n" + run.excerpt()).isZero();
        run.expect("HQ: LOADED handoff load --crash --assist efi-warm-reboot rc=0", "HQ: EFI: BootNext set by hand",
                "BdsDxe: starting Boot4846 \"handoff crash resume\"",
                "handoff-resume: refused: no crash marker (not a crashed boot)", "BdsDxe: starting Boot0003 \"EFI Internal Shell\"",
                "HQ: SECOND KERNEL UP", "HQ: EFI: HandoffResumeStatus: refused: no crash marker (not a crashed boot)",
                "HQ: status: assist efi-warm-reboot: last resume: refused: no crash marker (not a crashed boot)",
                "HQ: END second");
        assertThat(run.saw("HQ: CAPTURE KERNEL UP")).isFalse();
        assertThat(run.after("HQ: EFI: BootCurrent ")).as("booted through BootOrder, not the resume entry")
                .isNotEqualTo("4846");
        assertThat(run.after("HQ: status: assist efi-warm-reboot: ")).startsWith("armed: Boot4846, kernel ");
    }

    @Test
    void aFullVariableStoreFailsSetVariableInPurgatoryWhichFallsBackToClassicKdump() throws Exception {
        Map<String, String> env = espMachine("reboot=efi,warm efi_no_storage_paranoia");
        GuestRun run = guest.boot("efi-assist-nvfull", "efi-assist-nvfull", 900, env);
        print(run);
        assertThat(run.exitCode()).as("run-guest.sh's exit status\n" + run.excerpt()).isZero();
        run.expect("HQ: LOADED handoff load --crash --assist efi-warm-reboot rc=0", "HQ: EFI: variable store full after ",
                "purgatory: EFI call SetVariable at 0x",
                "(efi-call-x86_64) failed: EFI SetVariable returned 0x8000000000000009; continuing",
                "(efi-call-x86_64) skipped: the step before did not succeed", "purgatory: jump to 0x",
                "HQ: CAPTURE KERNEL UP", "HQ: vmcore is ELF core", "HQ: EFI: no HandoffResumeStatus", "HQ: END capture");
        // no warm reset: the firmware never ran between the kernels
        double crash = run.time("HQ: TRIGGERING CRASH", 0);
        assertThat(run.timeOf(Pattern.compile("BdsDxe: "), crash)).as(run.excerpt()).isEmpty();
        assertThat(run.after("HQ: makedumpfile -d 31 rc=")).startsWith("0 ");
        double first = run.time("\\] Linux version ", crash);
        double init = run.time("Run /init as init process", first);
        System.out.printf("efi-assist-nvfull (classic kdump after the failed call): panic to the capture kernel's "
                + "first line %.1f s, to its /init %.1f s%n", first - crash, init - crash);
    }

    /** The ranges of "... firmware used 0xS-0xE type T" lines, in order. */
    private static List<long[]> ranges(List<String> lines) {
        List<long[]> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = USED.matcher(line);
            if (m.find()) {
                out.add(new long[] {Long.decode(m.group(1)), Long.decode(m.group(2))});
            }
        }
        return out;
    }

    /** Whether [start, end) lies inside the union of the ranges. */
    private static boolean covered(List<long[]> ranges, long start, long end) {
        long at = start;
        boolean moved = true;
        while (at < end && moved) {
            moved = false;
            for (long[] r : ranges) {
                if (r[0] <= at && at < r[1]) {
                    at = r[1];
                    moved = true;
                }
            }
        }
        return at >= end;
    }

    private static void print(GuestRun run) {
        System.out.println("--- " + run.name());
        run.console().stream().filter(l -> (l.contains("HQ: ") && !l.contains("insmod") && !l.contains("HQ: vmcore: ")
                && !l.contains("HQ: makedumpfile: ") && !l.contains("firmware used 0x")) || l.contains("Run /init")
                || l.contains("BdsDxe: starting") || l.contains("purgatory: ") || l.contains("handoff-resume: ok")
                || l.contains("handoff-resume: refused") || l.contains("handoff-resume: claimed")
                || l.contains("[qemu] exit")).forEach(System.out::println);
    }



}
