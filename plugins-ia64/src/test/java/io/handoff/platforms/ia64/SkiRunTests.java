package io.handoff.platforms.ia64;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.support.FileSlices;
import io.handoff.core.plan.HandoffImage;
import io.handoff.simulator.Corruption;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.Trace;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real IA-64 purgatory image (ia64 assembly) on the HP Ski IA-64 simulator, against the reference machine: the
 * planner's own plans for the bundled profile are laid out in Ski's physical memory with the reference firmware
 * (the old boot_param, EFI tables and memory map of {@link Ia64Firmware}), purgatory runs from its entry with r28 =
 * the old boot_param, and the synthetic vmlinux at the planned entry reports what it was handed through Ski's
 * simulator calls. Console, r28 and the patched memory map must equal what the reference machine ran.
 *
 * <p>Ski is not packaged by Debian: it runs where it is built ({@code HANDOFF_SKI}, else
 * {@code ~/.cache/handoff/ski/bin/bski}, which {@code src/test/ski/build-ski.sh} builds from its sources);
 * elsewhere these tests say they did not run.
 */
class SkiRunTests {
    static final Path KERNEL = Path.of("target/classes/profiles/ia64-rx2660-8g/boot/vmlinux-synthetic");
    static final Path IMAGE_ELF = Path.of("target/purgatory-ia64/purgatory.elf");
    static final Path RUN_SKI = Path.of("src/test/ski/run-ski.sh");
    static final String COMMAND_LINE = "console=ttyS0,115200";
    static Path bski;

    @TempDir
    Path tmp;

    @BeforeAll
    static void ski() {
        String env = System.getenv("HANDOFF_SKI");
        Path candidate = env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache/handoff/ski/bin/bski");
        Assumptions.assumeTrue(Files.isExecutable(candidate), "Ski not installed (set HANDOFF_SKI=/path/to/bski, or "
                + "build it with plugins-ia64/src/test/ski/build-ski.sh SKI_SOURCES): the ia64 image did not run on Ski");
        bski = candidate;
    }

    /** What one Ski run printed and how it ended. */
    record SkiRun(List<String> purgatory, List<String> stub, String end) {
    }

    SkiRun ski(HandoffImage image, Optional<Corruption> corruption) throws IOException, InterruptedException {
        Path load = Files.createDirectories(tmp.resolve("load"));
        List<String> lines = new ArrayList<>();
        int n = 0;
        long purgatory = 0;
        for (Segment s : image.segments()) {
            Path file = load.resolve("segment-" + n++ + ".bin");
            Files.write(file, bytes(s.data()));
            lines.add(String.format("segment %#x %s", s.mem(), file.getFileName()));
            if (s.role().equals("purgatory")) {
                purgatory = s.mem();
            }
        }
        Ia64Firmware firmware = Ia64Firmware.reference();
        for (Map.Entry<Long, byte[]> block : firmware.memory().entrySet()) {
            Path file = load.resolve("firmware-" + n++ + ".bin");
            Files.write(file, block.getValue());
            lines.add(String.format("segment %#x %s", block.getKey(), file.getFileName()));
        }
        if (corruption.isPresent()) {
            Segment target = image.segments().stream().filter(s -> s.role().equals(corruption.get().role()))
                    .findFirst().orElseThrow();
            Path file = load.resolve("segment-" + image.segments().indexOf(target) + ".bin");
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.seek(corruption.get().offset());
                int b = f.read();
                f.seek(corruption.get().offset());
                f.write(b ^ 0xFF);
            }
        }
        lines.add(String.format("entry %#x", image.entry()));
        lines.add(String.format("halted %#x", purgatory + symbol("purgatory_halted")));
        lines.add(String.format("outb %#x", purgatory + symbol("pg_outb")));
        lines.add(String.format("r28 %#x", firmware.bootParam()));
        lines.add("console-trace 0x3f8");
        Files.write(load.resolve("load.txt"), lines);
        Process p = new ProcessBuilder("bash", RUN_SKI.toString(), load.toString(), bski.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> console = Files.readAllLines(load.resolve("console.txt"), StandardCharsets.ISO_8859_1);
        List<String> lastLines = out.lines().toList();
        return new SkiRun(console.stream().filter(l -> !l.startsWith("stub: ")).toList(),
                console.stream().filter(l -> l.startsWith("stub: ")).toList(), lastLines.get(lastLines.size() - 1));
    }

    static byte[] bytes(SegmentData data) {
        if (data instanceof SegmentData.Bytes b) {
            return b.data();
        }
        SegmentData.FileSlice slice = (SegmentData.FileSlice) data;
        return FileSlices.read(slice.file(), slice.offset(), Math.toIntExact(slice.length()));
    }

    static long symbol(String name) throws IOException, InterruptedException {
        String cross = Optional.ofNullable(System.getenv("CROSS")).orElse("ia64-linux-gnu-");
        Process p = new ProcessBuilder(cross + "nm", IMAGE_ELF.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().map(l -> l.split(" ")).filter(f -> f.length == 3 && f[2].equals(name))
                .mapToLong(f -> Long.parseUnsignedLong(f[0], 16)).findFirst()
                .orElseThrow(() -> new AssertionError(IMAGE_ELF + " has no symbol " + name));
    }

    static Trace reference(HandoffImage image, ReferenceMachine.Options options) {
        return Ia64SimulationTests.machine(options).run(image);
    }

    // the reference machine's patched map in the stub's words: "stub: md 0xI type 0xT phys 0xP pages 0xN ..."
    static List<String> referenceMap(Trace trace) {
        List<String> out = new ArrayList<>();
        Pattern line = Pattern.compile("^  (\\S+) +0x([0-9a-f]+)-0x([0-9a-f]+) .*");
        for (String e : trace.events()) {
            Matcher m = line.matcher(e);
            if (m.matches()) {
                int type = java.util.Arrays.asList(Ia64Firmware.TYPES).indexOf(m.group(1));
                long start = Long.parseUnsignedLong(m.group(2), 16);
                long pages = (Long.parseUnsignedLong(m.group(3), 16) + 1 - start) / 4096;
                out.add(String.format("type %#x phys %#x pages %#x", type, start, pages));
            }
        }
        return out;
    }

    static List<String> skiMap(SkiRun run) {
        Pattern md = Pattern.compile("^stub: md \\S+ (type \\S+ phys \\S+ pages \\S+) .*");
        return run.stub().stream().map(md::matcher).filter(Matcher::matches).map(m -> m.group(1)).toList();
    }

    HandoffImage plan(boolean crash) {
        return Ia64Files.plan(Ia64Files.profile(), crash
                ? Ia64Files.kdump(KERNEL.toAbsolutePath(), Optional.empty(), COMMAND_LINE)
                : Ia64Files.kexec(KERNEL.toAbsolutePath(), Optional.empty(), COMMAND_LINE));
    }

    @Nested
    class Kdump {
        @Test
        void purgatoryPrintsOnSkiWhatItPrintsOnTheReferenceMachine() throws Exception {
            HandoffImage image = plan(true);
            SkiRun run = ski(image, Optional.empty());
            Trace reference = reference(image, ReferenceMachine.Options.defaults());
            assertThat(run.purgatory()).isEqualTo(reference.lines());
            assertThat(run.end()).isEqualTo("ski: kernel exited with status 0");
        }

        @Test
        void theKernelGetsR28AndThePatchedMapTheReferenceMachineGives() throws Exception {
            HandoffImage image = plan(true);
            SkiRun run = ski(image, Optional.empty());
            Trace reference = reference(image, ReferenceMachine.Options.defaults());
            long bootParam = Ia64SimulationTests.mem(image, "boot-param");
            assertThat(run.stub()).contains(String.format("stub: r28 %#x", bootParam),
                    "stub: command line \"" + image.plan().commandLine() + "\"",
                    "stub: SetVirtualAddressMap returned 0x0");
            assertThat(skiMap(run)).isNotEmpty().isEqualTo(referenceMap(reference));
            long elf = Ia64SimulationTests.mem(image, "elfcorehdr");
            assertThat(skiMap(run)).contains(String.format("type 0x2 phys %#x pages 0x1", elf));
        }

        @Test
        void aCorruptedKernelHaltsInTheFallbackOnSkiToo() throws Exception {
            HandoffImage image = plan(true);
            Corruption corruption = new Corruption("kernel", 0x100);
            SkiRun run = ski(image, Optional.of(corruption));
            Trace reference = reference(image, ReferenceMachine.Options.defaults().corrupt(corruption));
            assertThat(run.end()).isEqualTo("ski: halted at purgatory_halted, reason 0x1");
            assertThat(run.purgatory()).isEqualTo(reference.lines());
            assertThat(run.stub()).isEmpty();
        }
    }

    @Nested
    class SelfTest {
        // the image's own loads (src/test/ski/make-load.c): every generic and ia64 kind, the failure texts, SHA-256
        // vectors, KCS against a BMC model, a UART that never drains
        @Test
        void theImagesOwnLoadsPassOnSki() throws Exception {
            Process p = new ProcessBuilder("bash", "src/test/ski/ski-selftest.sh", tmp.resolve("selftest").toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("ski: all ok").doesNotContain("FAIL");
        }
    }

    @Nested
    class Kexec {
        @Test
        void aRebootAbove4GiBRunsAsOnTheReferenceMachine() throws Exception {
            HandoffImage image = plan(false);
            SkiRun run = ski(image, Optional.empty());
            Trace reference = reference(image, ReferenceMachine.Options.defaults());
            assertThat(run.purgatory()).isEqualTo(reference.lines());
            assertThat(skiMap(run)).isEqualTo(referenceMap(reference));
            assertThat(run.stub()).contains(String.format("stub: r28 %#x", Ia64SimulationTests.mem(image,
                    "boot-param")));
        }
    }
}
