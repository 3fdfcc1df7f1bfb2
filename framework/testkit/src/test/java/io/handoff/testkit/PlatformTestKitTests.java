package io.handoff.testkit;

import io.handoff.simulator.Handoff;
import io.handoff.simulator.TraceReport;
import io.handoff.simulator.ProgramBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.core.testing.Fixtures;
import io.handoff.core.testing.PluginJarBuilder;
import io.handoff.core.testing.ToyArchitectureSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit's plumbing: a plugin jar loaded by PF4J, planning on the QEMU profile, the run on the reference machine.
 *
 * <p>The toy platform places its own "purgatory" segment from a file holding a hand-written program, since
 * this branch's planner links no purgatory yet; the real runtime (host build) runs it.
 */
class PlatformTestKitTests {
    static final String TOY = """
            package com.example.toy;

            import io.handoff.api.FailureKind;
            import io.handoff.api.HandoffException;
            import io.handoff.api.machine.SystemView;
            import io.handoff.api.plan.*;
            import io.handoff.api.spi.Platform;
            import java.io.IOException;
            """ + ToyArchitectureSource.IMPORTS + """
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.List;
            import java.util.Map;

            public class ToyPlatform implements Platform {
                public String id() { return "toy"; }
                public boolean detect(SystemView view) { return true; }
                """ + ToyArchitectureSource.MEMBERS + """
                public PlatformPlan plan(PlanContext ctx) {
                    try {
                        Path k = ctx.request().kernel();
                        if (Files.size(k) < 8192) {
                            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, k + ": too small for a toy kernel");
                        }
                        ctx.placeAt("kernel", new SegmentData.FileSlice(k, 0, Files.size(k)), 0x2e000000L, 0x100000);
                        byte[] p = Files.readAllBytes(Path.of(ctx.request().options().get("purgatory")));
                        ctx.placeAt("purgatory", new SegmentData.Bytes(p), 0x3dff0000L, 0x2000);
                        return new PlatformPlan(0x3dff0040L, Map.of("rip", 0x2e000200L, "rsi", 0x2e100000L),
                                ctx.request().commandLine(), Map.of(), List.of());
                    } catch (IOException e) {
                        throw new HandoffException(FailureKind.UNREADABLE_FILE, e.getMessage());
                    }
                }
            }
            """;

    @TempDir
    Path tmp;

    Path plugins;
    Path kernel;
    byte[] kernelBytes;

    @BeforeEach
    void setUp() throws IOException {
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        PluginJarBuilder.plugin("toy").source("com.example.toy.ToyPlatform", TOY)
                .extension("com.example.toy.ToyPlatform").build(plugins);
        kernelBytes = new byte[0x9000];
        new java.util.Random(3).nextBytes(kernelBytes);
        kernelBytes[(int) Scenario.CORRUPTED_DATA_OFFSET] = 0x11;
        kernel = Files.write(tmp.resolve("toy-kernel"), kernelBytes);
    }

    PlatformTestKit kit(ProgramBytes program) throws IOException {
        Path purgatory = Files.write(tmp.resolve("purgatory.bin"), program.image());
        return PlatformTestKit.platform("toy").pluginsDir(plugins).profile(Fixtures.profile("qemu-pc-x86_64-1g"))
                .kernel(kernel).option("purgatory", purgatory.toString());
    }

    /** The program a toy kdump needs: console, the kernel's digests, the jump; halt 9 as the fallback. */
    ProgramBytes kdump(long rip) {
        return ProgramBytes.program().console().verifyDigests(4096, 0x2e000000L, kernelBytes, 0x100000)
                .jump(rip, 0x2e100000L).fallbackHalt(9);
    }

    @Nested
    class Runs {
        @Test
        void kdumpPlansThroughTheRegistryLoadsTheSegmentsAndJumpsAsPlanned() throws IOException {
            PlatformTestKit.Execution run = kit(kdump(0x2e000200L)).scenario(Scenario.KDUMP).execute();
            run.assertAsExpected();
            assertThat(run.image()).get().satisfies(i -> assertThat(i.crashRegion()).isPresent());
            assertThat(run.jumped().register("rip")).isEqualTo(0x2e000200L);
            run.assertConsoleLine("purgatory: digests ok (1 segments, 9 chunks)");
            assertThat(run.report()).contains("Planned: a kdump load", "kernel       at 0x002e000000",
                    "purgatory jumped to 0x2e000200 with rsi=0x2e100000 (as planned)",
                    TraceReport.NOT_HARDWARE);
        }

        @Test
        void aJumpElsewhereThanPlannedFailsTheAssertionAndShowsTheTrace() throws IOException {
            PlatformTestKit.Execution run = kit(kdump(0x2e000000L)).execute();
            assertThatThrownBy(run::assertJumpMatchesPlan).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("rip is 0x2e000000 at the jump but the plan says 0x2e000200")
                    .hasMessageContaining("Serial console (COM1, 0x3f8)");
        }

        @Test
        void corruptedSegmentFlipsAByteOfTheKernelData() throws IOException {
            PlatformTestKit.Execution run = kit(kdump(0x2e000200L)).scenario(Scenario.CORRUPTED_SEGMENT).execute();
            run.assertAsExpected().assertConsoleLine(
                    "purgatory: digest mismatch in segment 0 (mem 0x2e000000) chunk 1 at 0x2e001000");
            assertThat(run.trace().events()).contains(
                    "corrupted the byte at 0x2e001234 (kernel data + 0x1234): 0x11 -> 0xee");
            assertThat(run.trace().handoff()).isEqualTo(new Handoff.Halted(9));
        }

        @Test
        void corruptedZeroTailWritesTheFirstByteAfterTheData() throws IOException {
            PlatformTestKit.Execution run = kit(kdump(0x2e000200L)).scenario(Scenario.CORRUPTED_ZERO_TAIL).execute();
            run.assertAsExpected().assertConsoleLine("purgatory: non-zero byte in zero tail of segment 0 at 0x2e009000");
            assertThat(run.trace().events()).contains(
                    "corrupted the byte at 0x2e009000 (kernel zero tail + 0x9000): 0x00 -> 0xff");
        }
    }

    @Nested
    class Refusals {
        @Test
        void aPlannerRefusalIsTheOutcomeNotAnException() throws IOException {
            Files.write(kernel, new byte[100]);
            PlatformTestKit.Execution run = kit(ProgramBytes.program()).execute();
            run.assertRefused(FailureKind.UNSUPPORTED_IMAGE);
            assertThat(run.trace().handoff()).isEqualTo(new Handoff.Refused(7, kernel + ": too small for a toy kernel"));
            assertThat(run.report()).contains("Nothing was planned.", "refused (7)");
        }

        @Test
        void anUnknownPlatformIsASetupError() {
            assertThatThrownBy(() -> PlatformTestKit.platform("nope").pluginsDir(plugins)
                    .profile(Fixtures.profile("qemu-pc-x86_64-1g")).kernel(kernel).execute())
                    .hasMessageContaining("nope");
        }
    }
}
