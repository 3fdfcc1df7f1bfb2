package io.handoff.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.Capabilities;
import io.handoff.api.machine.CrashNote;
import io.handoff.api.machine.PrstatusLayout;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.spi.Platform;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.testing.Fixtures;
import io.handoff.lastwords.CpuIpRecordsStep;
import io.handoff.lastwords.IpmiRequestStep;
import io.handoff.lastwords.KcsTransport;
import io.handoff.lastwords.WatchdogTimer;
import io.handoff.lastwords.WatchdogTimer.TimeoutAction;
import io.handoff.simulator.bmc.BmcFault;
import io.handoff.simulator.bmc.BmcReport;
import io.handoff.simulator.bmc.SelEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Last words on the reference machine: steps built by {@code io.handoff.lastwords}, run by the real purgatory
 * runtime against the simulated BMC, with crash notes the machine writes at the crash.
 */
class LastWordsOnReferenceMachineTests {
    static final long KERNEL = 0x2e000000L;
    static final long ZERO_PAGE = 0x2e100000L;
    static final KcsTransport KCS = new KcsTransport(0xCA2, 0xCA3, Duration.ofSeconds(5), 3, Duration.ofSeconds(2));
    /** CPUs 0 and 2 saved notes; CPU 1 has none (an offline CPU): its entry reads as holding no NT_PRSTATUS. */
    static final PrstatusLayout PRSTATUS = new PrstatusLayout(336, 0x20, 0xF0);
    static final List<CrashedCpu> CPUS = List.of(cpu(0, 0x3000000, 368, 0xffffffff81001234L),
            cpu(2, 0x3002000, 368, 0xffffffff81001254L));
    static HostPurgatory runtime;
    static Segment kernel;

    @BeforeAll
    static void load() {
        runtime = TestArchitecture.runtime(java.nio.ByteOrder.LITTLE_ENDIAN);
        kernel = new Segment("kernel", new SegmentData.Bytes(new byte[4096]), KERNEL, 0x2000);
    }

    static CrashedCpu cpu(int cpu, long notes, long size, long ip) {
        return new CrashedCpu(cpu, notes, size, ip, PRSTATUS, ByteOrder.LITTLE_ENDIAN);
    }

    /** A platform with what decides whether a crash writes notes: capabilities and an NT_PRSTATUS layout. */
    static Platform platform(Set<String> capabilities, Optional<PrstatusLayout> layout) {
        return new Platform() {
            @Override
            public String id() {
                return "notes-test";
            }

            @Override
            public boolean detect(SystemView view) {
                return false;
            }

            @Override
            public PlatformPlan plan(PlanContext context) {
                throw new UnsupportedOperationException("not planned here");
            }

            @Override
            public Set<String> capabilities() {
                return capabilities;
            }

            @Override
            public Optional<PrstatusLayout> prstatusLayout() {
                return layout;
            }
        };
    }

    static ProgramBytes program(KcsTransport kcs) {
        long[] watchdogSet = ops(new IpmiRequestStep(kcs, WatchdogTimer.set(WatchdogTimer.start(120,
                TimeoutAction.HARD_RESET, false)), "watchdog set 120 s").operands(ByteOrder.LITTLE_ENDIAN));
        long[] watchdogStart = ops(new IpmiRequestStep(kcs, WatchdogTimer.reset(), "watchdog start")
                .operands(ByteOrder.LITTLE_ENDIAN));
        long[] cpuIp = ops(CpuIpRecordsStep.of(kcs, true, true, PRSTATUS.instructionPointerOffset(),
                List.of(new CrashNote(0, 0x3000000, 368), new CrashNote(2, 0x3002000, 368))).operands());
        return ProgramBytes.program().iterationCap(1_000_000).budget(20_000_000)
                .step(1, false, 10_000, 0x3F8, 1)
                .step(6, false, 10, 0x70, 0x71)
                .step(8, false, 3_000_000, cpuIp)
                .step(7, false, 0, watchdogSet)
                .step(7, false, 0, watchdogStart)
                .jump(KERNEL + 0x200, ZERO_PAGE);
    }

    static long[] ops(List<Long> operands) {
        return operands.stream().mapToLong(Long::longValue).toArray();
    }

    static Trace run(ProgramBytes program, ReferenceMachine.Options options) {
        HandoffImage image = Images.of("x86_64", 0x3dff0040L, List.of(kernel,
                new Segment("purgatory", new SegmentData.Bytes(program.image()), 0x3dff0000L, 0x2000)));
        return TestArchitecture.machine(runtime, options).run(image);
    }

    @Nested
    class WithAHealthyBmc {
        private final Trace trace = run(program(KCS), ReferenceMachine.Options.defaults().crashedCpus(CPUS));

        @Test
        void theSelHoldsTheRipsTheMachineWroteAndTheWatchdogRuns() {
            BmcReport bmc = trace.bmc().orElseThrow();
            assertThat(bmc.cpuIps()).containsExactly(new SelEntry.CpuIp(0, 0xffffffff81001234L),
                    new SelEntry.CpuIp(2, 0xffffffff81001254L));
            assertThat(bmc.watchdog().running()).isTrue();
            assertThat(bmc.watchdog().initialCountdown()).isEqualTo(1200);
            assertThat(bmc.watchdog().actionName()).isEqualTo("hard reset");
            assertThat(trace.handoff()).isInstanceOf(Handoff.Jumped.class);
        }

        @Test
        void theConsoleSaysEachCpuAndEachAnswer() {
            assertThat(trace.lines()).containsSubsequence("purgatory: cpu 0 ip 0xffffffff81001234",
                    "purgatory: ipmi cpu 0 ip: cc 0x0", "purgatory: cpu 1: no NT_PRSTATUS",
                    "purgatory: cpu 2 ip 0xffffffff81001254", "purgatory: ipmi cpu 2 ip: cc 0x0",
                    "purgatory: ipmi watchdog set 120 s: cc 0x0", "purgatory: ipmi watchdog start: cc 0x0",
                    "purgatory: jump to 0x2e000200 rsi=0x2e100000");
        }

        @Test
        void eachLastWordsStepIsAttributedToItsConsoleLine() {
            assertThat(trace.mainSteps()).extracting(StepRun::outcome).containsExactly(StepRun.Outcome.COMPLETED,
                    StepRun.Outcome.COMPLETED, StepRun.Outcome.COMPLETED, StepRun.Outcome.COMPLETED,
                    StepRun.Outcome.COMPLETED, StepRun.Outcome.HANDED_OFF);
            assertThat(trace.mainSteps().get(1).detail()).isEqualTo("purgatory: rtc at 0x70, bcd, 24h");
            assertThat(trace.mainSteps().get(2).detail()).isEqualTo("purgatory: cpu 0 ip 0xffffffff81001234");
            assertThat(trace.mainSteps().get(4).detail()).isEqualTo("purgatory: ipmi watchdog start: cc 0x0");
        }

        @Test
        void theMachineSaysItWroteTheNotes() {
            assertThat(trace.events()).contains("crash: each CPU saved its registers in its crash_notes buffer "
                    + "(NT_PRSTATUS notes written by the simulator, instruction pointers in the kernel text): cpu 0 ip "
                    + "0xffffffff81001234 at 0x3000000, cpu 2 ip 0xffffffff81001254 at 0x3002000");
            assertThat(TraceReport.render(java.util.Optional.empty(), trace))
                    .contains("The BMC (KCS at 0xca2/0xca3) recorded:",
                            "  SEL #1: handoff CPU record: cpu 0 ip 0xffffffff81001234",
                            "  SEL #2: handoff CPU record: cpu 2 ip 0xffffffff81001254");
        }
    }

    @Nested
    class WhenTheNextKernelHangs {
        @Test
        void theStartedWatchdogResetsTheMachineAndTheBmcLogsIt() {
            KcsTransport kcs = KCS;
            ProgramBytes p = ProgramBytes.program().iterationCap(1_000_000).budget(20_000_000)
                    .step(1, false, 10_000, 0x3F8, 1)
                    .step(6, false, 10, 0x70, 0x71)
                    .step(7, false, 3_000_000, ops(new IpmiRequestStep(kcs, WatchdogTimer.set(WatchdogTimer.start(1,
                            TimeoutAction.HARD_RESET, false)), "watchdog set 1 s").operands(ByteOrder.LITTLE_ENDIAN)))
                    .step(7, false, 0, ops(new IpmiRequestStep(kcs, WatchdogTimer.reset(), "watchdog start")
                            .operands(ByteOrder.LITTLE_ENDIAN)))
                    .jump(KERNEL + 0x200, ZERO_PAGE);
            Trace trace = run(p, ReferenceMachine.Options.defaults().hangAfterHandoff(Duration.ofSeconds(3)));

            BmcReport bmc = trace.bmc().orElseThrow();
            assertThat(bmc.resets()).singleElement().satisfies(at -> assertThat(at)
                    .isGreaterThan(Duration.ofSeconds(1)).isLessThan(trace.total().plus(Duration.ofSeconds(1))));
            assertThat(bmc.systemEvents()).singleElement().satisfies(e -> {
                assertThat(e.sensorType()).isEqualTo(0x23);
                assertThat(e.data1() & 0x0F).isEqualTo(1);
            });
            assertThat(trace.events()).anyMatch(e -> e.endsWith("the BMC hard-reset the machine"));
            assertThat(trace.total()).as("the run itself ends at the jump").isLessThan(Duration.ofSeconds(1));
            assertThat(TraceReport.render(java.util.Optional.empty(), trace)).anyMatch(l -> l.startsWith("Outcome: ")
                    && l.contains("Then, with the new kernel hung, the BMC watchdog reset the machine at 1.0"));
        }

        @Test
        void withoutAWatchdogNothingHappens() {
            Trace trace = run(program(KCS).budget(20_000_000), ReferenceMachine.Options.defaults()
                    .hangAfterHandoff(Duration.ofSeconds(60)));
            // program() starts a 120 s watchdog: 60 s of hanging is not enough
            assertThat(trace.bmc().orElseThrow().resets()).isEmpty();
            assertThat(trace.bmc().orElseThrow().watchdog().describe()).startsWith("watchdog: running, 120 s countdown (60");
        }
    }

    @Nested
    class WithABrokenBmc {
        @Test
        void aHungBmcCostsTheLastWordsDeadlineAndNoMore() {
            Trace trace = run(program(KCS), ReferenceMachine.Options.defaults().crashedCpus(CPUS)
                    .bmc(BmcFault.NEVER_CLEARS_IBF));
            assertThat(trace.handoff()).isInstanceOf(Handoff.Jumped.class);
            assertThat(trace.lines()).contains("purgatory: ipmi watchdog start: skipped: last-words deadline spent");
            // the 2 s deadline, plus one second of RTC resolution at most
            assertThat(trace.total()).isLessThan(Duration.ofSeconds(3)).isGreaterThan(Duration.ofSeconds(1));
            assertThat(trace.mainSteps().get(4).outcome()).isEqualTo(StepRun.Outcome.FAILED);
            assertThat(trace.events()).contains("fault: the BMC at 0xca2/0xca3 is hung: it never clears IBF after "
                    + "the first byte written to it");
        }
    }

    @Nested
    class TheNotesTheMachineWrites {
        @Test
        void areOneCoreNtPrstatusThenTheClosingEmptyNote() {
            byte[] note = cpu(3, 0x1000, 368, 0xffffffff81001264L).note();
            assertThat(note).hasSize(368);
            assertThat(HexFormat.of().formatHex(note, 0, 20)).isEqualTo("05000000" + "50010000" + "01000000"
                    + "434f524500000000");
            ByteBuffer b = ByteBuffer.wrap(note).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.getInt(20 + 0x20)).isEqualTo(4);
            assertThat(b.getLong(20 + 0xF0)).isEqualTo(0xffffffff81001264L);
            assertThat(HexFormat.of().formatHex(note, 356, 368)).isEqualTo("00".repeat(12));
        }

        @Test
        void followTheLayoutAndByteOrderThePlatformDeclares() {
            byte[] note = new CrashedCpu(1, 0x1000, 512, 0x0123456789abcdefL, new PrstatusLayout(400, 0x18, 0x80),
                    ByteOrder.BIG_ENDIAN).note();
            ByteBuffer b = ByteBuffer.wrap(note).order(ByteOrder.BIG_ENDIAN);
            assertThat(b.getInt(0)).isEqualTo(5);
            assertThat(b.getInt(4)).isEqualTo(400);
            assertThat(b.getInt(20 + 0x18)).isEqualTo(2);
            assertThat(b.getLong(20 + 0x80)).isEqualTo(0x0123456789abcdefL);
            assertThat(note).hasSize(20 + 400 + 12);
        }

        @Test
        void aSmallerBufferGetsWhatFits() {
            assertThat(cpu(0, 0x1000, 100, 1).note()).hasSize(100);
        }

        @Test
        void instructionPointersAreDerivedFromTheProfilesKernelText() {
            ProfileMachine qemu = ProfileMachine.at(Fixtures.profile("qemu-pc-x86_64-1g"));
            assertThat(CrashedCpu.inKernelText(qemu, PRSTATUS, ByteOrder.LITTLE_ENDIAN)).containsExactly(
                    cpu(0, 0x3ec3a400L, 368, 0xffffffff99c01234L),
                    cpu(1, 0x3ed3a400L, 368, 0xffffffff99c01244L));
        }
    }

    /** When a simulated crash writes notes ({@code handoff simulate} and PlatformTestKit decide it there). */
    @Nested
    class WhichRunsGetNotes {
        final ProfileMachine qemu = ProfileMachine.at(Fixtures.profile("qemu-pc-x86_64-1g"));
        final ReferenceMachine.Options defaults = ReferenceMachine.Options.defaults();
        final Platform portIo = platform(Set.of(Capabilities.PORT_IO), Optional.of(PRSTATUS));

        PlanRequest request(PlanRequest.Mode mode) {
            return new PlanRequest(mode, Path.of("vmlinuz"), Optional.empty(), "", Map.of());
        }

        @Test
        void aCrashWithPortIoGetsEachCpuWithItsInstructionPointerInTheKernelText() {
            assertThat(defaults.crashNotesFor(qemu, request(PlanRequest.Mode.KDUMP), portIo).crashedCpus())
                    .isNotEmpty().isEqualTo(CrashedCpu.inKernelText(qemu, PRSTATUS, ByteOrder.LITTLE_ENDIAN));
        }

        @Test
        void aPlatformThatDeclaresNoLayoutGetsNone() {
            assertThat(defaults.crashNotesFor(qemu, request(PlanRequest.Mode.KDUMP),
                    platform(Set.of(Capabilities.PORT_IO), Optional.empty())).crashedCpus()).isEmpty();
        }

        @Test
        void aRebootGetsNone() {
            assertThat(defaults.crashNotesFor(qemu, request(PlanRequest.Mode.KEXEC), portIo).crashedCpus())
                    .isEmpty();
        }

        @Test
        void aCrashWithoutPortIoGetsNone() {
            assertThat(defaults.crashNotesFor(qemu, request(PlanRequest.Mode.KDUMP),
                    platform(Set.of(Capabilities.DUMP_REIPL), Optional.of(PRSTATUS))).crashedCpus()).isEmpty();
        }

        @Test
        void cpusTheOptionsNameAlreadyStay() {
            assertThat(defaults.crashedCpus(CPUS)
                    .crashNotesFor(qemu, request(PlanRequest.Mode.KDUMP), portIo)
                    .crashedCpus()).isEqualTo(CPUS);
        }
    }
}
