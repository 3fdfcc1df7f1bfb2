package io.handoff.it.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.handoff.core.elf.Elf64;
import io.handoff.core.elf.ProgramHeader;
import io.handoff.it.kexec.Prerequisites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End to end under QEMU (TCG): the Debian kernel boots with {@code crashkernel=256M} and an IPMI BMC, runs this
 * build's {@code handoff} from the host root (9p, read-only) and hands off to a second kernel for real.
 *
 * <p>The kexec-tools baseline runs first: it proves the harness, so a handoff failure is handoff's. Each boot is
 * bounded; a failure prints the relevant part of the serial console. Runs on a developer machine when QEMU is
 * installed (skipped otherwise); under CI ({@code CI=true}) it installs what is missing and must run. The test
 * methods run in order (the timing compares the two kdump runs), so they are not grouped in nested classes.
 * Tagged {@code qemu}: only the Maven profile {@code qemu} runs them ({@code ./run-tests} enables it).
 */
@Tag("qemu")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuKdumpTests {
    private static final String STOP = "HQ: END|purgatory: halt|Kernel panic - not syncing: (Attempted|VFS)";
    private static final Map<String, GuestRun> RUNS = new ConcurrentHashMap<>();
    private static QemuGuest guest;

    @BeforeAll
    static void prepareTheGuest() throws IOException, InterruptedException {
        boolean qemu = Stream.of(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "qemu-system-x86_64")));
        assumeTrue(qemu || Prerequisites.underCi(),
                "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86, or run under CI=true, which installs it)");
        Path repo = Prerequisites.repository();
        Path handoff = repo.resolve("framework/launcher/target/handoff/bin/handoff");
        if (!Files.isExecutable(handoff)) {
            fail(handoff + " is missing: build the distribution first (./run-tests or mvn -DskipTests package)");
        }
        guest = new QemuGuest(repo);
        guest.prepare();
    }

    @Test
    @Order(1)
    void kdumpWithDebianKexecToolsIsTheBaseline() throws Exception {
        GuestRun run = boot("kdump-kexec-tools", "kdump-kexec-tools", 300, Map.of());

        expect(run, "HQ: LOADED kexec -p crash_loaded=1", "Kernel panic - not syncing: sysrq triggered crash",
                "HQ: CAPTURE KERNEL UP", "HQ: vmcore is ELF core", "HQ: makedumpfile -d 31 rc=0", "HQ: sel: ",
                "HQ: END capture");
    }

    @Test
    @Order(2)
    void kdumpWithHandoffLoadAndItsPurgatory() throws Exception {
        GuestRun run = boot("kdump-handoff", "kdump-handoff", 400, Map.of());

        expect(run, "HQ: handoff: loaded capture kernel (runs on panic) with kexec_load",
                "HQ: LOADED handoff load --crash rc=0", "Kernel panic - not syncing: sysrq triggered crash",
                "purgatory: handoff v1", "purgatory: digests ok", "purgatory: copied ", "purgatory: jump to ",
                "HQ: CAPTURE KERNEL UP", "HQ: vmcore is ELF core", "HQ: makedumpfile -d 31 rc=0", "HQ: sel: ",
                "HQ: END capture");
        // /proc/vmcore's memory is what the plan's ELF core header described
        List<String> planned = loads(run, "PLAN-ELFCOREHDR");
        List<String> dumped = loads(run, "VMCORE-HEAD");
        System.out.println("PT_LOAD in the plan's elfcorehdr / in /proc/vmcore (paddr vaddr memsz):");
        planned.forEach(l -> System.out.println("  plan   " + l));
        dumped.forEach(l -> System.out.println("  vmcore " + l));
        assertThat(dumped).as(run.excerpt()).isNotEmpty().isEqualTo(planned);
    }

    @Test
    @Order(3)
    void rebootWithHandoffLoadAndExec() throws Exception {
        GuestRun run = boot("reboot-handoff", "reboot-handoff", 300, Map.of());

        expect(run, "HQ: handoff: loaded kernel for 'handoff exec' with kexec_load", "HQ: EXEC at",
                "kexec_core: Starting new kernel", "purgatory: digests ok", "purgatory: jump to ",
                "HQ: SECOND KERNEL UP", "hq.stage=second", "HQ: END second");
    }

    @Test
    @Order(4)
    void aCorruptedKernelSegmentStopsInPurgatorysFallback() throws Exception {
        GuestRun run = boot("corrupt-handoff", "corrupt-handoff", 300,
                Map.of("HQ_HANDOFF_OPTS", "--test-corrupt-segment kernel"));

        expect(run, "TEST ONLY: segment 'kernel' was loaded with one byte inverted",
                "Kernel panic - not syncing: sysrq triggered crash", "purgatory: digest mismatch in segment ",
                "; running fallback", "purgatory: halt, reason ");
        assertThat(run.saw("HQ: CAPTURE KERNEL UP")).as(run.excerpt()).isFalse();
        assertThat(run.saw("purgatory: jump to")).as(run.excerpt()).isFalse();
    }

    @Test
    @Order(5)
    void panicToCaptureKernelIsTimedForBothLoaders() {
        GuestRun kexecTools = RUNS.get("kdump-kexec-tools");
        GuestRun handoff = RUNS.get("kdump-handoff");
        assumeTrue(kexecTools != null && handoff != null, "both kdump runs are needed");

        double kt = panicToKernel(kexecTools);
        double ho = panicToKernel(handoff);

        System.out.printf("panic -> capture kernel 'Linux version': kexec -p %.3f s, handoff %.3f s, ratio %.2f%n",
                kt, ho, kt / ho);
        assertThat(kt).isPositive();
        assertThat(ho).isPositive();
    }

    private static double panicToKernel(GuestRun run) {
        OptionalDouble panic = run.timeOf(Pattern.compile("Kernel panic - not syncing"), 0);
        assertThat(panic).as(run.excerpt()).isPresent();
        OptionalDouble kernel = run.timeOf(Pattern.compile("\\[ *0\\.000000\\] Linux version"), panic.getAsDouble());
        assertThat(kernel).as(run.excerpt()).isPresent();
        return kernel.getAsDouble() - panic.getAsDouble();
    }

    private static GuestRun boot(String scenario, String name, int timeout, Map<String, String> env) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("HQ_STOP_ON", STOP);
        GuestRun run = guest.boot(scenario, name, timeout, all);
        RUNS.put(name, run);
        return run;
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

    /** Return the PT_LOAD headers of an ELF block on the data channel as "paddr vaddr memsz" lines. */
    private static List<String> loads(GuestRun run, String block) throws IOException {
        byte[] bytes = run.block(block).orElseThrow(() -> new AssertionError("no " + block + " on the data channel of '"
                + run.name() + "'\n" + run.excerpt()));
        Elf64 elf = Elf64.parse(bytes).elf().orElseThrow(() -> new AssertionError(block + " is not ELF64: "
                + Elf64.parse(bytes).problem()));
        assertThat(elf.type()).as(block).isEqualTo(Elf64.ET_CORE);
        return elf.programHeaders().stream().filter(p -> p.type() == ProgramHeader.PT_LOAD)
                .map(p -> String.format("0x%x 0x%x 0x%x", p.paddr(), p.vaddr(), p.memsz())).toList();
    }
}
