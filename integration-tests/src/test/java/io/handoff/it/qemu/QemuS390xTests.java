package io.handoff.it.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
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
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Debian s390x kernel under {@code qemu-system-s390x -M s390-ccw-virtio} (TCG), with an s390x initramfs built
 * from Debian's s390x packages ({@code integration-tests/src/test/qemu/s390x}).
 *
 * <p>What this proves for real: the guest boots, Debian's s390x {@code kexec -l}/{@code kexec -e} hands off to a
 * second kernel, and Debian's s390x JRE runs in the guest (so handoff itself could). The kdump baseline runs
 * only with a kernel built with {@code CONFIG_CRASH_DUMP=y} ({@code HANDOFF_TEST_KERNEL_S390X}): Debian's
 * bookworm s390x kernel is not, so it reserves no crash kernel and the test is skipped with the reason. Same
 * skip and CI rules as {@link QemuKdumpTests}; each boot is bounded.
 */
@Tag("qemu")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuS390xTests {
    private static final String STOP = "HQ: END|Kernel panic - not syncing: (Attempted|VFS)";
    private static QemuGuest guest;

    @BeforeAll
    static void prepareTheGuest() throws IOException, InterruptedException {
        boolean qemu = Stream.of(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "qemu-system-s390x")));
        assumeTrue(qemu || Prerequisites.underCi(),
                "qemu-system-s390x is not installed (apt-get install qemu-system-misc, or run under CI=true, which installs it)");
        Path repo = Prerequisites.repository();
        guest = new QemuGuest(repo.resolve("integration-tests/src/test/qemu/s390x"),
                repo.resolve("integration-tests/target/qemu-s390x"));
        guest.prepare();
    }

    @Test
    @Order(1)
    void debianS390xKernelBootsToTheInitScript() throws Exception {
        GuestRun run = boot("probe", "boot", 120);

        expect(run, "Linux version 6.", "HQ: FIRST KERNEL UP", "on s390x", "HQ: iomem: 00000000-3fffffff : System RAM",
                "HQ: END probe");
    }

    @Test
    @Order(2)
    void rebootWithDebianKexecTools() throws Exception {
        GuestRun run = boot("reboot-kexec-tools", "reboot-kexec-tools", 300);

        expect(run, "HQ: LOADED kexec -l loaded=1", "HQ: EXEC at", "HQ: SECOND KERNEL UP", "hq.stage=second",
                "HQ: END second");
        OptionalDouble exec = run.timeOf(Pattern.compile("HQ: EXEC at"), 0);
        OptionalDouble second = run.timeOf(Pattern.compile("HQ: SECOND KERNEL UP"), 0);
        System.out.printf("s390x kexec -e -> second kernel's init: %.1f s%n", second.getAsDouble() - exec.getAsDouble());
    }

    @Test
    @Order(3)
    void debianS390xJavaRunsInTheGuest() throws Exception {
        GuestRun run = boot("java", "java", 300);

        expect(run, "HQ: java: OpenJDK 64-Bit Server VM", "HQ: END java");
        List<Double> seconds = new ArrayList<>();
        Pattern took = Pattern.compile("java -version \\((.*)\\) took ([0-9.]+) s");
        for (String line : run.linesStartingWith("HQ: ")) {
            Matcher m = took.matcher(line);
            if (m.find()) {
                System.out.printf("s390x guest (TCG): java %s -version took %s s%n", m.group(1), m.group(2));
                seconds.add(Double.parseDouble(m.group(2)));
            }
        }
        assertThat(seconds).as(run.excerpt()).hasSize(2).allSatisfy(s -> assertThat(s).isPositive().isLessThan(60.0));
    }

    @Test
    @Order(4)
    void kdumpWithDebianKexecToolsNeedsAKernelWithCrashDump() throws Exception {
        String config = Files.readString(guest.work().resolve("kernel.config"));
        assumeTrue(config.contains("CONFIG_CRASH_DUMP=y"), "the s390x kernel was built with '" + config.strip()
                + "': it reserves no crashkernel= memory and kexec -p says 'Memory for crashkernel is not reserved'"
                + " (set HANDOFF_TEST_KERNEL_S390X to a kernel with CONFIG_CRASH_DUMP=y)");
        GuestRun run = boot("kdump-kexec-tools", "kdump-kexec-tools", 300);

        expect(run, "HQ: LOADED kexec -p crash_loaded=1", "Kernel panic - not syncing: sysrq triggered crash",
                "HQ: CAPTURE KERNEL UP", "HQ: vmcore size ", "HQ: END capture");
    }

    private static GuestRun boot(String scenario, String name, int timeout) throws Exception {
        return guest.boot(scenario, name, timeout, Map.of("HQ_STOP_ON", STOP));
    }

    private static void expect(GuestRun run, String... markers) {
        List<String> missing = new ArrayList<>();
        for (String m : markers) {
            if (!run.saw(m)) {
                missing.add(m);
            }
        }
        if (!missing.isEmpty()) {
            fail("guest run '" + run.name() + "' never printed " + missing + "\n" + run.excerpt());
        }
    }
}
