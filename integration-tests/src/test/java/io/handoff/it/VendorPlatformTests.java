package io.handoff.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;

import io.handoff.launcher.Main;
import io.handoff.testkit.PlatformTestKit;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example vendor platform (examples/vendor-platform, id {@code toyarch}): built by its own Maven build against
 * this build's framework artifacts, dropped into a plugins directory next to the built-in plugins, run by
 * {@code handoff simulate --platform toyarch} and by the whole architecture matrix.
 */
class VendorPlatformTests {
    @TempDir
    static Path tmp;

    /** A TOYK kernel: 128 KiB of file with the entry at 0x40, 192 KiB in memory. */
    static Path kernel() {
        Path file = tmp.resolve("vmtoy");
        if (!Files.exists(file)) {
            ByteBuffer b = ByteBuffer.allocate(0x2_0000).order(ByteOrder.LITTLE_ENDIAN);
            b.put("TOYK".getBytes(StandardCharsets.US_ASCII)).putInt(1).putLong(0x40).putLong(0x3_0000);
            try {
                Files.write(file, b.array());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    record Run(int code, String out, String err) {
    }

    static Run handoff(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void handoffPlatformsListsItNextToTheBuiltInOnes() {
        Run r = handoff("platforms", "--plugins", VendorPlatform.pluginsDir().toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("toyarch", "x86_64", "s390x", "toy-enter", "Example Vendor");
    }

    @Test
    void handoffSimulateRunsItsPurgatoryToTheToyEnter() {
        Run r = handoff("simulate", "--plugins", VendorPlatform.pluginsDir().toString(), "--platform", "toyarch",
                "--root", VendorPlatform.profile().toString(), "--kernel", kernel().toString());
        assertThat(r.code()).as(r.err()).isZero();
        // the kernel at the crash region's start (0x8000000), entered at +0x40; boot info in the page below purgatory (9 pages at the top)
        assertThat(r.out()).contains("Planned: a kdump load", "on platform toyarch", "Crash region: 0x8000000-0xbffffff",
                "console", "print", "verify-digests", "toy-enter", "handed off",
                "] purgatory: digests ok (2 segments, 2 chunks)",
                "] purgatory: toy enter 0x8000040 arg 0xbff6000",
                "toy boot controller: doorbell rung with 0x8000040, acknowledged",
                "toy boot controller: the next kernel starts at 0x8000040, as the doorbell said",
                "Outcome: purgatory entered the toy kernel at 0x8000040 with a0=0xbff6000 (as planned)");
    }

    @Test
    void anImageOfAnotherPlatformIsRefusedByName() throws IOException {
        Path bzImage = Files.write(tmp.resolve("bzImage"), new byte[0x2000]);
        Run r = handoff("simulate", "--plugins", VendorPlatform.pluginsDir().toString(), "--platform", "toyarch",
                "--root", VendorPlatform.profile().toString(), "--kernel", bzImage.toString());
        assertThat(r.code()).isEqualTo(7);
        assertThat(r.err()).contains(bzImage + ": not a toyarch kernel: no \"TOYK\" magic at offset 0");
    }

    @Test
    void handoffMatrixRunsItAsAVendorsCiWouldAndWritesJUnitXml() throws Exception {
        Path report = tmp.resolve("matrix");
        Run r = handoff("matrix", "--plugins", VendorPlatform.pluginsDir().toString(), "--platform", "toyarch",
                "--root", "toyarch=" + VendorPlatform.profile(), "--kernel", "toyarch=" + kernel(),
                "--report", report.toString());

        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("toyarch  healthy                    kdump                pass   jumped into the new"
                + " kernel", "toyarch  silent-bmc                 corrupted-segment    pass   fallback: ",
                "15 runs: 15 passed, 0 failed");
        assertThat(report.resolve("junit.xml")).content()
                .contains("<testsuite name=\"handoff.matrix.toyarch\" tests=\"15\" failures=\"0\"")
                .contains("<testcase classname=\"handoff.matrix.toyarch.healthy\" name=\"kdump\"");
        assertThat(report.resolve("report.md")).content().contains("| 3 | toy-enter | required |");
    }

    @TestFactory
    Stream<DynamicNode> theArchitectureMatrix() {
        return Stream.of(dynamicContainer("toyarch", PlatformMatrixTests.scenarios(() -> PlatformTestKit
                .platform("toyarch").pluginsDir(VendorPlatform.pluginsDir()).profile(VendorPlatform.profile())
                .kernel(kernel()).commandLine("console=ttyS0"))));
    }
}
