package io.handoff.it.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.handoff.it.kexec.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * s390x for real: {@code qemu-system-s390x -M s390-ccw-virtio} (TCG) with an s390x initramfs built from Debian's
 * s390x packages and Debian's s390x JRE on a 9p share ({@code integration-tests/src/test/qemu/s390x}).
 *
 * <p>Two kernels. Debian's binary s390x kernel boots, hands off to a second kernel with kexec-tools and with
 * handoff, and runs Java. It is built without {@code CONFIG_CRASH_DUMP}, so the kdump runs use Debian's
 * {@code linux-source-6.1} built with the s390 defconfig and {@code CONFIG_CRASH_DUMP=y}
 * ({@code kdump-kernel.sh}, cached; {@code HANDOFF_TEST_KERNEL_S390X_KDUMP} names another). Same skip and CI
 * rules as {@link QemuKdumpTests}; each boot is bounded.
 */
@Tag("qemu")
class QemuS390xTests {
    private static final String STOP = "HQ: END|Kernel panic - not syncing: (Attempted|VFS)|end Kernel panic";

    private static QemuGuest guest(String name) {
        boolean qemu = Stream.of(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "qemu-system-s390x")));
        assumeTrue(qemu || Prerequisites.strict(),
                "qemu-system-s390x is not installed (apt-get install qemu-system-misc, or run ./run-tests, which installs it)");
        Path repo = Prerequisites.repository();
        return new QemuGuest(repo.resolve("integration-tests/src/test/qemu/s390x"),
                repo.resolve("integration-tests/target/" + name));
    }

    /** Debian's binary s390x kernel (linux-image-*-s390x). */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class DebianKernel {
        private QemuGuest guest;

        @BeforeAll
        void prepareTheGuest() throws IOException, InterruptedException {
            guest = guest("qemu-s390x");
            guest.prepare();
        }

        @Test
        @Order(1)
        void bootsToTheInitScript() throws Exception {
            GuestRun run = boot(guest, "probe", "boot", 120, Map.of());

            run.expect("Linux version 6.", "HQ: FIRST KERNEL UP", "on s390x",
                    "HQ: iomem: 00000000-3fffffff : System RAM", "HQ: END probe");
        }

        @Test
        @Order(2)
        void rebootsWithDebianKexecTools() throws Exception {
            GuestRun run = boot(guest, "reboot-kexec-tools", "reboot-kexec-tools", 300, Map.of());

            run.expect("HQ: LOADED kexec -l loaded=1", "HQ: EXEC at", "HQ: SECOND KERNEL UP", "hq.stage=second",
                    "HQ: END second");
            report(run, "kexec-tools");
        }

        @Test
        @Order(3)
        void runsJava() throws Exception {
            GuestRun run = boot(guest, "java", "java", 300, Map.of());

            run.expect("HQ: java: OpenJDK 64-Bit Server VM", "HQ: END java");
            List<Double> seconds = new ArrayList<>();
            Pattern took = Pattern.compile("java -version \\((.*)\\) took ([0-9.]+) s");
            for (String line : run.linesStartingWith("HQ: ")) {
                Matcher m = took.matcher(line);
                if (m.find()) {
                    System.out.printf("s390x guest (TCG): java %s -version took %s s%n", m.group(1), m.group(2));
                    seconds.add(Double.parseDouble(m.group(2)));
                }
            }
            assertThat(seconds).as(run.excerpt()).hasSize(2)
                    .allSatisfy(s -> assertThat(s).isPositive().isLessThan(60.0));
        }

        @Test
        @Order(4)
        void rebootsWithHandoff() throws Exception {
            GuestRun run = boot(guest, "reboot-handoff", "reboot-handoff", 420, Map.of());

            // kexec_load with KEXEC_ARCH_S390 (22 << 16) in the flags; the second kernel came up
            run.expect("HQ: handoff: loaded kernel for 'handoff exec' with kexec_load", "flags 0x160000,",
                    "HQ: LOADED handoff load rc=0 loaded=1", "HQ: EXEC at",
                    "HQ: SECOND KERNEL UP", "hq.stage=second", "HQ: END second");
            report(run, "handoff");
        }

        @Test
        @Order(5)
        void aCorruptedKernelSegmentStopsInPurgatorysDisabledWait() throws Exception {
            GuestRun run = boot(guest, "reboot-handoff", "corrupt-reboot", 420,
                    Map.of("HQ_HANDOFF_OPTS", "--test-corrupt-segment kernel"));

            run.expect("TEST ONLY: segment 'kernel'", "HQ: LOADED handoff load rc=0 loaded=1", "HQ: EXEC at");
            assertThat(run.saw("SECOND KERNEL UP")).as(run.excerpt()).isFalse();
            // purgatory's digest check failed after the reset: its fallback on a machine without a dump device is
            // the disabled wait 0x48460001, which QEMU reports as a guest crash with the wait PSW
            assertThat(Files.readString(guest.work().resolve("corrupt-reboot.qemu")))
                    .contains("Guest crashed on cpu 0: disabled-wait")
                    .contains("PSW: 0x0002000180000000 0x0000000048460001");
        }

        private void report(GuestRun run, String loader) {
            reportSeconds(run, "s390x " + loader + " exec -> second kernel's init", "HQ: EXEC at",
                    "HQ: SECOND KERNEL UP");
        }
    }

    /** Debian's linux-source-6.1 built with CONFIG_CRASH_DUMP=y: kdump for real. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class KdumpKernel {
        private QemuGuest guest;

        @BeforeAll
        void buildTheKernelAndPrepareTheGuest() throws IOException, InterruptedException {
            guest = guest("qemu-s390x-kdump");
            String kernel = System.getenv("HANDOFF_TEST_KERNEL_S390X_KDUMP");
            if (kernel == null || kernel.isBlank()) {
                int rc = guest.script("kdump-kernel.sh", List.of(), 3600);
                List<String> log = Files.readAllLines(guest.work().resolve("kdump-kernel.sh.log"));
                if (rc != 0 || log.isEmpty()) {
                    throw new IllegalStateException("kdump-kernel.sh failed (exit " + rc + "):\n" + String.join("\n",
                            log.subList(Math.max(0, log.size() - 30), log.size())));
                }
                kernel = log.get(log.size() - 1).strip();
            }
            guest.prepare(Map.of("HQ_VMLINUZ", kernel));
            assertThat(Files.readString(guest.work().resolve("kernel.config"))).contains("CONFIG_CRASH_DUMP=y");
        }

        @Test
        @Order(1)
        void kdumpWithDebianKexecTools() throws Exception {
            GuestRun run = boot(guest, "kdump-kexec-tools", "kdump-kexec-tools", 300, Map.of());

            expectCapture(run, "HQ: LOADED kexec -p crash_loaded=1");
            report(run, "kexec -p");
        }

        @Test
        @Order(2)
        void kdumpWithHandoff() throws Exception {
            GuestRun run = boot(guest, "kdump-handoff", "kdump-handoff", 420, Map.of());

            // kexec_load with KEXEC_ARCH_S390 (22 << 16) | KEXEC_ON_CRASH in the flags
            expectCapture(run, "HQ: handoff: loaded capture kernel (runs on panic) with kexec_load", "flags 0x160001,",
                    "HQ: LOADED handoff load --crash rc=0 crash_loaded=1");
            report(run, "handoff");
        }

        @Test
        @Order(3)
        void theKernelsChecksumProbeRefusesACorruptedKernelSegment() throws Exception {
            GuestRun run = boot(guest, "corrupt-handoff", "corrupt-handoff", 420,
                    Map.of("HQ_HANDOFF_OPTS", "--test-corrupt-segment kernel"));

            // purgatory's r2 = 0 probe answered "mismatch": the kernel never reset the machine for kdump, it went on
            // with its panic, and its on_panic action (stop) is Linux's own disabled wait, not one of purgatory's
            run.expect("HQ: LOADED handoff load --crash rc=0 crash_loaded=1", "TEST ONLY: segment 'kernel'",
                    "Kernel panic - not syncing: sysrq triggered crash");
            assertThat(run.saw("CAPTURE KERNEL UP")).as(run.excerpt()).isFalse();
            assertThat(Files.readString(guest.work().resolve("corrupt-handoff.qemu")))
                    .contains("Guest crashed on cpu 0: disabled-wait").doesNotContain("0x000000004846");
        }

        @Test
        @Order(4)
        void capturesThisMachinesProfileAndPlansFromIt() throws Exception {
            GuestRun run = boot(guest, "capture-handoff", "capture-handoff", 300, Map.of());

            // handoff capture on a real s390x kernel, then a kdump plan from the captured files alone
            run.expect("HQ: CAPTURED rc=0 PLANNED rc=0", "HQ: profile file: ./proc/iomem",
                    "HQ: profile file: ./sys/firmware/dump/dump_type", "HQ: plan: handoff plan: s390x, kdump",
                    "HQ: plan: crash region: 0x30000000-0x3fffffff (256 MiB)");
            List<String> plan = run.linesStartingWith("HQ: plan: ");
            assertThat(plan).as(run.excerpt())
                    .anyMatch(l -> l.matches("HQ: plan: +oldmem +base 0x30000000 size 0x10000000 .*"))
                    // QEMU gives the guest no dump device: the fallback is the disabled wait that says so
                    .anyMatch(l -> l.matches("HQ: plan: +fallback +1 disabled-wait .*code 0x48460001"));
        }

        private static void expectCapture(GuestRun run, String... loaded) {
            List<String> markers = new ArrayList<>(List.of(loaded));
            // no panic line: s390 resets into the capture kernel before the console prints it
            markers.addAll(List.of("HQ: TRIGGERING CRASH", "HQ: CAPTURE KERNEL UP",
                    "hq.stage=capture", "HQ: vmcore size ", "HQ: END capture"));
            run.expect(markers.toArray(String[]::new));
            // /proc/vmcore is the ELF core file the capture kernel built: ELFCLASS64, big-endian, ET_CORE, EM_S390
            assertThat(run.linesStartingWith("HQ: vmcore: 00000000")).as(run.excerpt()).singleElement().asString()
                    .contains("7f 45 4c 46 02 02 01");
            assertThat(run.linesStartingWith("HQ: vmcore: 00000010")).as(run.excerpt()).singleElement().asString()
                    .contains("00 04 00 16");
            long size = run.linesStartingWith("HQ: vmcore size ").stream()
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D+", ""))).findFirst().orElse(0);
            // the first kernel's System RAM (768 MiB: s390 takes the 256 MiB crash region out of it), and the headers
            assertThat(size).as(run.excerpt()).isGreaterThan(768L << 20).isLessThan(769L << 20);
            // the crashed CPU's NT_PRSTATUS comes from the old lowcore's save area, which reaches the capture kernel
            // only through the crash region (the copy of [0, 0x2000) there): its PSW points into the first kernel
            Matcher code = Pattern.compile("HQ: iomem: +([0-9a-f]+)-([0-9a-f]+) : Kernel code").matcher(
                    String.join("\n", run.linesStartingWith("HQ: iomem:")));
            assertThat(code.find()).as(run.excerpt()).isTrue();
            Matcher psw = Pattern.compile("HQ: vmcore prstatus psw 0x([0-9a-f]{16}) 0x([0-9a-f]{16})").matcher(
                    String.join("\n", run.linesStartingWith("HQ: vmcore prstatus")));
            assertThat(psw.find()).as(run.excerpt()).isTrue();
            assertThat(Long.parseUnsignedLong(psw.group(2), 16)).as("the crashed CPU's PSW address")
                    .isBetween(Long.parseLong(code.group(1), 16), Long.parseLong(code.group(2), 16));
            System.out.printf("s390x %s: crashed CPU's PSW in /proc/vmcore %s %s%n", run.name(), psw.group(1),
                    psw.group(2));
            // the first kernel's VMCOREINFO note lies below the crash size, so the capture kernel reads it through the
            // swap (and finds it through the old lowcore's pointer): it names the first kernel's release
            Matcher note = Pattern.compile("HQ: vmcoreinfo note at 0x([0-9a-f]+) ").matcher(
                    String.join("\n", run.linesStartingWith("HQ: vmcoreinfo note at")));
            assertThat(note.find()).as(run.excerpt()).isTrue();
            assertThat(Long.parseLong(note.group(1), 16)).as("the VMCOREINFO note's address").isLessThan(256L << 20);
            Matcher release = Pattern.compile("kernel (\\S+) on s390x").matcher(
                    String.join("\n", run.linesStartingWith("HQ: FIRST KERNEL UP")));
            assertThat(release.find()).as(run.excerpt()).isTrue();
            assertThat(run.linesStartingWith("HQ: vmcoreinfo: ")).as(run.excerpt())
                    .contains("HQ: vmcoreinfo: OSRELEASE=" + release.group(1), "HQ: vmcoreinfo: PAGESIZE=4096");
        }

        private static void report(GuestRun run, String loader) {
            reportSeconds(run, "s390x " + loader + ": crash -> capture kernel's init", "HQ: TRIGGERING CRASH",
                    "HQ: CAPTURE KERNEL UP");
        }
    }

    private static GuestRun boot(QemuGuest guest, String scenario, String name, int timeout, Map<String, String> env)
            throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("HQ_STOP_ON", STOP);
        return guest.boot(scenario, name, timeout, all);
    }

    /** Print the host seconds between the first console lines matching {@code from} and {@code to}. */
    private static void reportSeconds(GuestRun run, String what, String from, String to) {
        OptionalDouble start = run.timeOf(Pattern.compile(from), 0);
        OptionalDouble end = run.timeOf(Pattern.compile(to), 0);
        System.out.printf("%s: %.1f s%n", what, end.getAsDouble() - start.getAsDouble());
    }

}
