package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.core.testing.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code handoff simulate --platform s390x} end to end: the built s390x plugin plans a synthetic s390 image on the
 * bundled s390x profiles and the big-endian build of the purgatory runtime runs it.
 */
class SimulatedS390xTests {

    @TempDir
    Path tmp;

    Path plugins;
    Path kernel;

    @BeforeEach
    void setUp() throws IOException {
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path jar;
        try (Stream<Path> s = Files.list(Path.of("../../plugins-s390/target"))) {
            jar = s.filter(p -> p.getFileName().toString().matches("plugins-s390-.*\\.jar")).findFirst().orElseThrow();
        }
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        // an s390 image: 2 MiB, max_command_line_size 4096 at 0x10430, no command line of its own
        ByteBuffer b = ByteBuffer.allocate(2 << 20).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0x10500; i < b.capacity(); i++) {
            b.put(i, (byte) (i * 7));
        }
        b.putLong(0x10430, 4096);
        kernel = tmp.resolve("image");
        Files.write(kernel, b.array());
    }

    String simulate(String... extra) {
        List<String> args = new ArrayList<>(List.of("simulate", "--platform", "s390x", "--plugins", plugins.toString(),
                "--kernel", kernel.toString()));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void showsTheProbeTheSwapAndThePswLoad() {
        String out = simulate("--root", Fixtures.bundledProfile("s390x-ccw-dump").toString());
        assertThat(out).contains("on platform s390x", "with r2 = 0", "returned r2 = 0 (digests ok)",
                "swap             required", ": swapped",
                "lpswe: the CPU loads the PSW 0x0000000180000000 0x0000000000010010",
                "loaded the PSW 0x0000000180000000 0x10010 (as planned)", "Console: none");
    }

    @Test
    void aCorruptedByteReiplsTheDumpDeviceAndDecodesItsBlock() {
        String out = simulate("--root", Fixtures.bundledProfile("s390x-ccw-dump").toString(), "--corrupt", "kernel:0x1234");
        assertThat(out).contains("(after the probe, before purgatory's real entry)",
                "diag 308 subcode 5 (SET), 200-byte IPL parameter block: ccw dump device 0.0.5219 (version 0, 200 bytes)",
                "re-IPLed the dump tool (diag 308): ccw dump device 0.0.5219");
    }

    @Test
    void withoutADumpDeviceTheCpuStopsWithItsCode() {
        String out = simulate("--root", Fixtures.bundledProfile("s390x-no-dump").toString(), "--corrupt", "kernel:0x1234");
        assertThat(out).contains("disabled-wait PSW 0x0002000180000000 0x0000000048460001",
                "stopped in a disabled wait with code 0x48460001");
    }

    @Test
    void corruptedBeforeTheProbeTheKernelNeverEntersPurgatory() {
        String out = simulate("--root", Fixtures.bundledProfile("s390x-ccw-dump").toString(), "--corrupt", "kernel:0x1234",
                "--before-probe");
        assertThat(out).contains("returned r2 = 1", "the capture kernel is not started").doesNotContain("lpswe");
    }

    @Test
    void theS390xProfileIsTheDefaultRootForTheS390xPlatform() {
        System.setProperty("handoff.home", "src/dist");
        try {
            assertThat(simulate()).contains("on platform s390x", "Crash region: 0x38000000-0x3fffffff.");
        } finally {
            System.clearProperty("handoff.home");
        }
    }
}
