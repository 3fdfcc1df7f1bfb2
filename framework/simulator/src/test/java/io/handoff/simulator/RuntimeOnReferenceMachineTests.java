package io.handoff.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.core.plan.HandoffImage;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real purgatory runtime (framework-purgatory's host build, from the class path) on the reference
 * machine, with hand-written programs: digests, the fallback, and every injected fault.
 */
class RuntimeOnReferenceMachineTests {
    static final long KERNEL = 0x2e000000L;
    static final long ZERO_PAGE = 0x2e100000L;
    static HostPurgatory runtime;
    static Segment kernel;

    @BeforeAll
    static void load() {
        runtime = TestArchitecture.runtime(java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] data = new byte[3 * 4096 + 100];
        new Random(7).nextBytes(data);
        kernel = new Segment("kernel", new SegmentData.Bytes(data), KERNEL, 0x8000);
    }

    static ProgramBytes program(long cap) {
        return ProgramBytes.program().iterationCap(cap).budget(2_000_000)
                .step(1, false, 10_000, 0x3F8, 1)
                .step(6, false, 10, 0x70, 0x71)
                .verifyDigests(4096, kernel)
                .jump(KERNEL + 0x200, ZERO_PAGE)
                .fallbackStep(17, 1, 0xDEAD);
    }

    static Trace run(ProgramBytes program, ReferenceMachine.Options options) {
        HandoffImage image = Images.of("x86_64", 0x3dff0040L, List.of(kernel,
                new Segment("purgatory", new SegmentData.Bytes(program.image()), 0x3dff0000L, 0x2000)));
        return TestArchitecture.machine(runtime, options).run(image);
    }

    @Nested
    class Healthy {
        @Test
        void verifiesTheDigestsAndJumpsWithThePlannedRegisters() {
            Trace t = run(program(1_000_000), ReferenceMachine.Options.defaults());
            assertThat(t.lines()).containsSubsequence("purgatory: handoff v1, 4 steps, budget 2000000 us",
                    "purgatory: rtc at 0x70, bcd, 24h", "purgatory: digests ok (1 segments, 4 chunks)",
                    "purgatory: jump to 0x2e000200 rsi=0x2e100000");
            Handoff.Jumped j = (Handoff.Jumped) t.handoff();
            assertThat(j.entry()).isEqualTo(KERNEL + 0x200);
            assertThat(j.register("rsi")).isEqualTo(ZERO_PAGE);
            assertThat(t.mainSteps()).extracting(StepRun::outcome).containsExactly(StepRun.Outcome.COMPLETED,
                    StepRun.Outcome.COMPLETED, StepRun.Outcome.COMPLETED, StepRun.Outcome.HANDED_OFF);
            assertThat(t.fallbackSteps()).extracting(StepRun::outcome).containsExactly(StepRun.Outcome.NOT_REACHED);
            assertThat(t.mainSteps().get(2).detail()).isEqualTo("purgatory: digests ok (1 segments, 4 chunks)");
            assertThat(t.total()).isLessThan(t.budget().orElseThrow());
        }

        @Test
        void aBinaryTwelveHourRtcIsReportedAsSuch() {
            Trace t = run(program(1_000_000), ReferenceMachine.Options.defaults()
                    .rtcClock(LocalDateTime.of(2025, 3, 1, 13, 5, 0), CmosRtc.DM_BINARY));
            assertThat(t.lines()).contains("purgatory: rtc at 0x70, binary, 12h");
            assertThat(t.handoff()).isInstanceOf(Handoff.Jumped.class);
        }

        @Test
        void copyMovesMemoryAndSaysSo() {
            ProgramBytes p = ProgramBytes.program().step(1, false, 10_000, 0x3F8, 1)
                    .step(4, true, 100, KERNEL, 0x1000_0000L, 4096).jump(KERNEL, ZERO_PAGE);
            Trace t = run(p, ReferenceMachine.Options.defaults());
            assertThat(t.lines()).contains("purgatory: copied 4096 bytes 0x2e000000 -> 0x10000000");
            assertThat(t.mainSteps().get(1).outcome()).isEqualTo(StepRun.Outcome.COMPLETED);
        }
    }

    @Nested
    class Corruption {
        @Test
        void aFlippedDataByteFailsTheDigestCheckAndRunsTheFallback() {
            Trace t = run(program(1_000_000), ReferenceMachine.Options.defaults()
                    .corrupt(new io.handoff.simulator.Corruption("kernel", 0x1234)));
            assertThat(t.lines()).contains(
                    "purgatory: digest mismatch in segment 0 (mem 0x2e000000) chunk 1 at 0x2e001000",
                    "purgatory: halt, reason 57005");
            assertThat(t.lines()).anyMatch(l -> l.startsWith("purgatory: step 2 (verify-digests) failed: ")
                    && l.endsWith("; running fallback"));
            assertThat(t.handoff()).isEqualTo(new Handoff.Halted(0xDEAD));
            assertThat(t.steps()).extracting(StepRun::outcome).containsExactly(StepRun.Outcome.COMPLETED,
                    StepRun.Outcome.COMPLETED, StepRun.Outcome.FAILED, StepRun.Outcome.NOT_REACHED,
                    StepRun.Outcome.HANDED_OFF);
        }

        @Test
        void aNonZeroByteInTheZeroTailIsFound() {
            Trace t = run(program(1_000_000), ReferenceMachine.Options.defaults()
                    .corrupt(new io.handoff.simulator.Corruption("kernel", 0x7000)));
            assertThat(t.lines()).contains("purgatory: non-zero byte in zero tail of segment 0 at 0x2e007000");
            assertThat(t.handoff()).isEqualTo(new Handoff.Halted(0xDEAD));
        }

        @Test
        void aCorruptedParameterAreaIsRefusedByTheRuntime() {
            Trace t = run(program(1_000_000), ReferenceMachine.Options.defaults()
                    .corrupt(new io.handoff.simulator.Corruption("purgatory", 0x100)));
            assertThat(t.handoff()).isEqualTo(new Handoff.Refused(-1, "bad magic in the parameter area"));
            assertThat(t.console()).isEmpty();
        }
    }

    @Nested
    class DeadDevices {
        @Test
        void aStuckUartSilencesTheConsoleButNeverBlocksTheJump() {
            Trace t = run(program(20_000), ReferenceMachine.Options.defaults().uartStuck(true));
            assertThat(t.console()).isEmpty();
            Handoff.Jumped j = (Handoff.Jumped) t.handoff();
            assertThat(j.register("rsi")).isEqualTo(ZERO_PAGE);
            // one failed wait of at most iteration_cap + 4 port reads, then the console is silent
            assertThat(t.total()).isLessThan(Duration.ofMillis(25));
        }

        @ParameterizedTest(name = "RTC {0} and a stuck UART: the iteration cap still ends the wait")
        @EnumSource(value = CmosRtc.Fault.class, names = {"FROZEN", "UIP_STUCK", "JUMPING"})
        void aBrokenRtcCannotHangTheHandoff(CmosRtc.Fault fault) {
            Trace t = run(program(20_000), ReferenceMachine.Options.defaults().uartStuck(true).rtc(fault));
            assertThat(t.handoff()).isInstanceOf(Handoff.Jumped.class);
            assertThat(t.total()).isLessThan(Duration.ofMillis(50));
        }

        @ParameterizedTest(name = "RTC {0} with a healthy UART: digests ok and the jump")
        @EnumSource(CmosRtc.Fault.class)
        void aBrokenRtcAloneChangesNothingVisible(CmosRtc.Fault fault) {
            Trace t = run(program(20_000), ReferenceMachine.Options.defaults().rtc(fault));
            assertThat(t.lines()).contains("purgatory: digests ok (1 segments, 4 chunks)");
            assertThat(t.handoff()).isInstanceOf(Handoff.Jumped.class);
        }
    }
}
