package io.handoff.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.core.plan.HandoffImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ReferenceMachineTests {
    /** A run the test architecture's jump ended at {@code nanos}. */
    static HostPurgatory.Result jumpedAt(long rip, long nanos) {
        io.handoff.api.arch.ArchitectureStop stop = io.handoff.api.arch.ArchitectureStop.jump(16, rip,
                Map.of("rip", rip), "jumped");
        return new HostPurgatory.Result(1, new Handoff.Jumped(rip, Map.of("rip", rip)),
                Optional.of(Duration.ofNanos(nanos)), Optional.empty(), List.of(), Optional.of(stop));
    }

    static HostPurgatory runtime;

    @BeforeAll
    static void load() {
        // the real runtime, framework-purgatory's host build from the class path
        runtime = TestArchitecture.runtime(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    static HandoffImage image(ProgramBytes program, Segment... more) {
        List<Segment> segments = new ArrayList<>(List.of(more));
        segments.add(new Segment("purgatory", new SegmentData.Bytes(program.image()), 0x3dff0000L, 0x2000));
        return Images.of("x86_64", 0x3dff0040L, segments);
    }

    static Segment kernel() {
        byte[] data = new byte[5000];
        data[0x200] = 0x4D;
        return new Segment("kernel", new SegmentData.Bytes(data), 0x2e000000L, 0x2000);
    }

    @Nested
    class Runs {
        @Test
        void loadsTheSegmentsRunsTheProgramAndRecordsConsoleStepsAndJump() {
            ProgramBytes p = ProgramBytes.program().console().print("purgatory: hello from the plan\n")
                    .step(4, true, 100, 0x2e000000L, 0x1000, 4096).jump(0x2e000200L, 0x3dffe000L);
            Trace t = TestArchitecture.machine(runtime, ReferenceMachine.Options.defaults()).run(image(p, kernel()));
            assertThat(t.lines()).containsExactly("purgatory: handoff v1, 4 steps, budget 5000000 us",
                    "purgatory: hello from the plan", "purgatory: copied 4096 bytes 0x2e000000 -> 0x1000",
                    "purgatory: jump to 0x2e000200 rsi=0x3dffe000");
            assertThat(t.handoff()).isInstanceOf(Handoff.Jumped.class);
            assertThat(((Handoff.Jumped) t.handoff()).register("rsi")).isEqualTo(0x3dffe000L);
            assertThat(t.program()).get().satisfies(prog -> {
                assertThat(prog.steps()).extracting(PurgatoryProgram.Step::name)
                        .containsExactly("console", "print", "copy", "jump");
                assertThat(prog.budgetUs()).isEqualTo(5_000_000);
            });
            assertThat(t.budget()).contains(Duration.ofSeconds(5));
            assertThat(t.mainSteps()).extracting(StepRun::outcome).containsExactly(StepRun.Outcome.COMPLETED,
                    StepRun.Outcome.COMPLETED, StepRun.Outcome.COMPLETED, StepRun.Outcome.HANDED_OFF);
            StepRun print = t.mainSteps().get(1);
            assertThat(print.detail()).isEqualTo("purgatory: hello from the plan");
            assertThat(print.reportedAt()).contains(t.consoleLines().get(1).at());
            StepRun jump = t.mainSteps().get(3);
            assertThat(jump.detail()).isEqualTo("purgatory: jump to 0x2e000200 rsi=0x3dffe000");
            assertThat(jump.duration().get()).isPositive();
            assertThat(t.total()).isGreaterThan(Duration.ofMillis(2));
            assertThat(t.events()).anyMatch(e -> e.contains("crash: the CPU enters purgatory at 0x3dff0040"));
        }

        @Test
        void aCorruptedByteIsFlippedInMemoryBeforeTheRunAndReported() {
            ProgramBytes p = ProgramBytes.program().step(4, true, 100, 0x2e000000L, 0x1000, 0x2000)
                    .step(17, true, 1, 3);
            Trace t = TestArchitecture.machine(runtime, ReferenceMachine.Options.defaults()
                    .corrupt(Corruption.parse("kernel:0x200"))).run(image(p, kernel()));
            assertThat(t.events()).contains("corrupted the byte at 0x2e000200 (kernel data + 0x200): 0x4d -> 0xb2");
            assertThat(t.handoff()).isEqualTo(new Handoff.Halted(3));
        }

        @Test
        void aCorruptedParameterAreaIsRefusedAndNothingRuns() {
            ProgramBytes p = ProgramBytes.program().jump(1, 2);
            Trace t = TestArchitecture.machine(runtime, ReferenceMachine.Options.defaults()
                    .corrupt(new Corruption("purgatory", 0x100))).run(image(p));
            assertThat(t.handoff()).isInstanceOf(Handoff.Refused.class);
            assertThat(((Handoff.Refused) t.handoff()).code()).isEqualTo(-1);
            assertThat(t.program()).isEmpty();
            assertThat(t.console()).isEmpty();
        }
    }

    @Nested
    class BadInput {
        @Test
        void aPlanWithoutPurgatoryIsNotAvailable() {
            HandoffImage bare = Images.of("toy", 0, List.of(kernel()));
            assertThatThrownBy(() -> TestArchitecture.machine(runtime, ReferenceMachine.Options.defaults()).run(bare))
                    .isInstanceOf(HandoffException.class).hasMessageContaining("has no purgatory segment")
                    .extracting(e -> ((HandoffException) e).kind()).isEqualTo(FailureKind.NOT_AVAILABLE);
        }

        @Test
        void aCorruptionOfAnUnknownSegmentOrPastItsEndIsAUsageError() {
            ReferenceMachine m1 = TestArchitecture.machine(runtime, ReferenceMachine.Options.defaults()
                    .corrupt(Corruption.parse("initrd:0")));
            assertThatThrownBy(() -> m1.run(image(ProgramBytes.program(), kernel())))
                    .hasMessage("--corrupt initrd:0x0: no segment 'initrd' (segments: kernel, purgatory)");
            ReferenceMachine m2 = TestArchitecture.machine(runtime, ReferenceMachine.Options.defaults()
                    .corrupt(Corruption.parse("kernel:0x2000")));
            assertThatThrownBy(() -> m2.run(image(ProgramBytes.program(), kernel())))
                    .hasMessage("--corrupt kernel:0x2000: offset past the segment's 0x2000 bytes");
        }

        @Test
        void corruptionSpecsAreParsedOrRefusedInOneLine() {
            assertThat(Corruption.parse("initrd:4096")).isEqualTo(new Corruption("initrd", 4096));
            assertThat(Corruption.parse("setup-data:0x1F")).isEqualTo(new Corruption("setup-data", 31));
            assertThatThrownBy(() -> Corruption.parse("kernel")).hasMessage(
                    "--corrupt kernel: expected SEGMENT:OFFSET, e.g. kernel:0x200");
            assertThatThrownBy(() -> Corruption.parse("kernel:-3"))
                    .hasMessage("--corrupt kernel:-3: offset '-3' is not a non-negative number");
        }
    }

    /** Outcomes read from the runtime's FORMAT.md §4 console lines, without a runtime. */
    @Nested
    class Attribution {
        PurgatoryProgram program = PurgatoryProgram.read(ProgramBytes.program()
                .step(1, false, 10, 0x3F8, 1).step(3, true, 900_000).step(4, true, 5000, 1, 2, 3)
                .jump(0x1000, 0x2000).fallbackStep(17, 1, 0xDEAD).area());

        static ConsoleLine at(long us, String text) {
            return new ConsoleLine(Duration.ofNanos(us * 1000), text);
        }

        @Test
        void aDigestFailureMarksTheStepFailedSkipsTheRestAndRunsTheFallback() {
            List<ConsoleLine> lines = List.of(at(100, "purgatory: handoff v1, 4 steps, budget 905011 us"),
                    at(40_000, "purgatory: digest mismatch in segment 0 (mem 0x2e000000) chunk 0 at 0x2e000000"),
                    at(40_100, "purgatory: step 1 (verify-digests) failed: digest mismatch; running fallback"),
                    at(40_300, "purgatory: halt, reason 57005"));
            HostPurgatory.Result r = new HostPurgatory.Result(2, new Handoff.Halted(0xDEAD),
                    Optional.of(Duration.ofNanos(40_400_000)), Optional.empty());
            List<StepRun> runs = ReferenceMachine.steps(program, lines, r, TestArchitecture.STEPS);
            assertThat(runs).extracting(StepRun::outcome).containsExactly(StepRun.Outcome.COMPLETED,
                    StepRun.Outcome.FAILED, StepRun.Outcome.NOT_REACHED, StepRun.Outcome.NOT_REACHED,
                    StepRun.Outcome.HANDED_OFF);
            assertThat(runs.get(1).detail()).contains("step 1 (verify-digests) failed");
            assertThat(runs.get(1).reportedAt()).contains(Duration.ofNanos(40_100_000));
            assertThat(runs.get(4).reportedAt()).contains(Duration.ofNanos(40_300_000));
            assertThat(runs.get(4).duration()).contains(Duration.ofNanos(200_000));
        }

        @Test
        void aFailedStepIsFoundByItsKindsIdOrByNumberWhenTheRuntimeDoesNotKnowIt() {
            PurgatoryProgram p = PurgatoryProgram.read(ProgramBytes.program().console().step(99, false, 10, 1)
                    .step(3, true, 900_000).jump(0x1000, 0x2000).fallbackStep(17, 1, 0xDEAD).area(),
                    Map.of(16, "jump"));
            List<ConsoleLine> lines = List.of(at(100, "purgatory: handoff v1, 4 steps, budget 900021 us"),
                    at(200, "purgatory: step 1 (kind 99) failed: unknown step kind 99; continuing"),
                    at(30_000, "purgatory: digests ok (3 segments, 12 chunks)"),
                    at(31_100, "purgatory: jump to 0x1000 rsi=0x2000"),
                    at(31_200, "purgatory: step 3 (jump) failed: the machine did not take the jump; running fallback"),
                    at(31_300, "purgatory: halt, reason 57005"));
            HostPurgatory.Result r = new HostPurgatory.Result(2, new Handoff.Halted(0xDEAD),
                    Optional.of(Duration.ofNanos(31_400_000)), Optional.empty());
            List<StepRun> runs = ReferenceMachine.steps(p, lines, r, TestArchitecture.STEPS);
            assertThat(runs).extracting(StepRun::outcome).containsExactly(StepRun.Outcome.COMPLETED,
                    StepRun.Outcome.FAILED, StepRun.Outcome.COMPLETED, StepRun.Outcome.FAILED,
                    StepRun.Outcome.HANDED_OFF);
            assertThat(runs.get(1).detail()).startsWith("purgatory: step 1 (kind 99) failed: ");
            assertThat(runs.get(3).detail()).startsWith("purgatory: step 3 (jump) failed: ");
        }

        @Test
        void aPrintWithoutNewlineSharesItsLineWithTheNextReport() {
            PurgatoryProgram p = PurgatoryProgram.read(ProgramBytes.program().console().print("handoff: kdump, ")
                    .step(3, true, 900_000).jump(0x1000, 0x2000).area());
            List<ConsoleLine> lines = List.of(at(100, "purgatory: handoff v1, 4 steps, budget 910011 us"),
                    at(30_000, "handoff: kdump, purgatory: digests ok (3 segments, 12 chunks)"),
                    at(31_100, "purgatory: jump to 0x1000 rsi=0x2000"));
            HostPurgatory.Result r = jumpedAt(0x1000, 31_200_000);
            List<StepRun> runs = ReferenceMachine.steps(p, lines, r, TestArchitecture.STEPS);
            assertThat(runs.get(1).reportedAt()).contains(Duration.ofMillis(30));
            assertThat(runs.get(2).detail()).isEqualTo("handoff: kdump, purgatory: digests ok (3 segments, 12 chunks)");
            assertThat(runs.get(2).duration()).contains(Duration.ZERO);
        }

        @Test
        void aCleanRunAttributesEachReportLineToItsStep() {
            List<ConsoleLine> lines = List.of(at(100, "purgatory: handoff v1, 4 steps, budget 905011 us"),
                    at(30_000, "purgatory: digests ok (3 segments, 12 chunks)"),
                    at(31_000, "purgatory: copied 655360 bytes 0x0 -> 0x2e100000"),
                    at(31_100, "purgatory: jump to 0x1000 rsi=0x2000"));
            HostPurgatory.Result r = jumpedAt(0x1000, 31_200_000);
            List<StepRun> runs = ReferenceMachine.steps(program, lines, r, TestArchitecture.STEPS);
            assertThat(runs).extracting(StepRun::outcome).containsExactly(StepRun.Outcome.COMPLETED,
                    StepRun.Outcome.COMPLETED, StepRun.Outcome.COMPLETED, StepRun.Outcome.HANDED_OFF,
                    StepRun.Outcome.NOT_REACHED);
            assertThat(runs.get(1).duration()).contains(Duration.ofMillis(30));
            assertThat(runs.get(2).duration()).contains(Duration.ofMillis(1));
            assertThat(runs.get(0).reportedAt()).as("console setup prints no line of its own").isEmpty();
        }
    }
}
