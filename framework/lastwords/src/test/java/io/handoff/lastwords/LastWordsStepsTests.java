package io.handoff.lastwords;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.Capabilities;
import io.handoff.api.machine.CrashNote;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.PrstatusLayout;
import io.handoff.api.plan.PlanRequest.Mode;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import io.handoff.core.system.DirectorySystemView;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.testing.Fixtures;
import io.handoff.lastwords.WatchdogTimer.TimeoutAction;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastWordsStepsTests {
    private static final String CMDLINE = "console=ttyS0 irqpoll nr_cpus=1 reset_devices";
    /** x86_64's NT_PRSTATUS: the instruction pointer at 0xF0 of a 336-byte descriptor. */
    private static final PrstatusLayout X86_64_PRSTATUS = new PrstatusLayout(336, 0x20, 0xF0);
    private static final FakePlatform X86_64_LIKE = new FakePlatform("x86_64", 62, ByteOrder.LITTLE_ENDIAN,
            Set.of(Capabilities.PORT_IO), Optional.of(X86_64_PRSTATUS));
    private static final FakePlatform S390X_LIKE = new FakePlatform("s390x", 22, ByteOrder.BIG_ENDIAN,
            Set.of(Capabilities.DUMP_REIPL));

    private static final LastWordsOptions EVERYTHING = new LastWordsOptions(0xCA2, 0xCA3, Duration.ofSeconds(5), 3,
            Duration.ofSeconds(10), new Watchdog.Start(120, TimeoutAction.HARD_RESET, false), true, true, true, Optional.empty());

    private static Machine qemu() {
        return ProfileMachine.at(Fixtures.profile("qemu-pc-x86_64-1g"));
    }

    private static List<PurgatoryStep> steps(LastWordsOptions options, Mode mode) {
        return new LastWordsSteps(options).steps(new PlanContextWithTarget(FakePlanContext.of(qemu(), mode, CMDLINE),
                62, ByteOrder.LITTLE_ENDIAN, Optional.of(X86_64_PRSTATUS)));
    }

    private static IpmiRequestStep ipmi(PurgatoryStep step) {
        assertThat(step.kind()).isEqualTo("ipmi-request");
        return IpmiRequestStep.decode(step.operands(), ByteOrder.LITTLE_ENDIAN);
    }

    @Nested
    class Availability {
        @Test
        void appliesToPlatformsWithPortIo() {
            LastWordsSteps steps = new LastWordsSteps(EVERYTHING);
            assertThat(steps.id()).isEqualTo("last-words");
            assertThat(steps.appliesTo(X86_64_LIKE)).isTrue();
            assertThat(LastWordsSteps.availability(X86_64_LIKE)).isEqualTo("last words: available");
            assertThat(steps.describe(X86_64_LIKE)).isEqualTo("last words: rtc, ipmi panic event, ipmi panic text, "
                    + "cpu-ip-records, ipmi watchdog; enabled: panic event, cpu-ip to console and SEL, watchdog "
                    + "start:120 (hard-reset) (KCS at 0xca2/0xca3, deadline 10 s)");
            assertThat(new LastWordsSteps(LastWordsOptions.DEFAULTS).describe(X86_64_LIKE)).endsWith(
                    "; enabled: nothing (--panic-event, --cpu-ip, --watchdog)");
        }

        @Test
        void nothingAppliesToAPlatformWithoutPortIo() {
            assertThat(new LastWordsSteps(EVERYTHING).appliesTo(S390X_LIKE)).isFalse();
            assertThat(LastWordsSteps.unavailableReason(S390X_LIKE)).contains("no port I/O");
            assertThat(LastWordsSteps.availability(S390X_LIKE)).isEqualTo("last words: unavailable (no port I/O)");
            assertThat(new LastWordsSteps(EVERYTHING).describe(S390X_LIKE))
                    .isEqualTo("last words: unavailable (no port I/O)");
            assertThat(new LastWordsSteps(EVERYTHING).appliesTo(
                    new FakePlatform("bare", 0, ByteOrder.LITTLE_ENDIAN, Set.of()))).isFalse();
        }
    }

    @Nested
    class CrashHandoff {
        private final List<PurgatoryStep> steps = steps(EVERYTHING, Mode.KDUMP);

        @Test
        void runRtcThenPanicEventThenTextThenCpuIpThenWatchdog() {
            String text = "handoff to capture kernel: " + CMDLINE; // 71 characters: cut to 66
            assertThat(steps).extracting(PurgatoryStep::kind).containsExactly("rtc", "ipmi-request",
                    "ipmi-request", "ipmi-request", "ipmi-request", "ipmi-request", "ipmi-request", "ipmi-request",
                    "cpu-ip-records", "ipmi-request", "ipmi-request");
            assertThat(steps.get(0).operands()).containsExactly(0x70L, 0x71L);
            assertThat(ipmi(steps.get(1)).request()).isEqualTo(PlatformEvent.panic(text));
            List<byte[]> records = SelRecords.textRecords(text.substring(0, 66));
            assertThat(records).hasSize(6);
            for (int i = 0; i < 6; i++) {
                IpmiRequestStep sel = ipmi(steps.get(2 + i));
                assertThat(sel.request()).isEqualTo(SelRecords.addEntry(records.get(i)));
                assertThat(sel.label()).isEqualTo("panic text " + (i + 1) + "/6");
            }
            assertThat(ipmi(steps.get(9)).request().bytes())
                    .containsExactly(0x18, 0x24, 0x44, 0x01, 0x00, 0x00, 0xB0, 0x04);
            assertThat(ipmi(steps.get(9)).label()).isEqualTo("watchdog set 120 s");
            assertThat(ipmi(steps.get(10)).request()).isEqualTo(WatchdogTimer.reset());
        }

        @Test
        void everyStepIsBestEffort() {
            assertThat(steps).allMatch(s -> s.policy() == FailurePolicy.BEST_EFFORT);
            assertThat(steps.get(0).worstCase()).isEqualTo(Duration.ofMillis(1));
        }

        @Test
        void theFirstLastWordsStepCarriesTheSharedDeadlineAndTheOthersZero() {
            // 9 ipmi-requests (result and failure: 2 lines each); cpu-ip-records for 2 CPUs (rip and SEL result
            // each, and its failure: 6 lines)
            assertThat(steps.get(1).worstCase()).isEqualTo(Duration.ofSeconds(11).plus(Duration.ofMillis(240)));
            assertThat(steps.get(1).description()).isEqualTo("ipmi: Platform Event Message, OS critical stop "
                    + "(generator 0x43); bounds all 10 last-words steps: 10 s deadline + 1 s of RTC resolution + 24 "
                    + "console lines");
            assertThat(steps.subList(2, 11)).allSatisfy(s -> {
                assertThat(s.worstCase()).isZero();
                assertThat(s.description()).endsWith(" (shares the last-words deadline)");
            });
        }

        @Test
        void theWholeOfLastWordsFitsTheDefaultBudget() {
            Duration total = steps.stream().map(PurgatoryStep::worstCase).reduce(Duration.ZERO, Duration::plus);
            assertThat(total).isEqualTo(Duration.ofMillis(11_241)).isLessThan(Duration.ofSeconds(30));
        }

        @Test
        void ipmiOperandsStartWithTheTransportAndPackBytesLittleEndian() {
            List<Long> operands = steps.get(10).operands();
            // ports, wait_us, retries, deadline_us, N = 2, [18 22], L = 14, "watchdog start" in two words
            assertThat(operands).containsExactly(0xCA2L, 0xCA3L, 5_000_000L, 3L, 10_000_000L, 2L, 0x2218L, 14L,
                    0x676f646863746177L, 0x0000747261747320L);
        }

        @Test
        void cpuIpRecordsCarryThePlatformsInstructionPointerOffsetAndEachCpusCrashNotes() {
            PurgatoryStep step = steps.get(8);
            CpuIpRecordsStep cpuIp = CpuIpRecordsStep.decode(step.operands());
            assertThat(cpuIp.console()).isTrue();
            assertThat(cpuIp.sel()).isTrue();
            assertThat(cpuIp.ipOffset()).isEqualTo(0xF0);
            assertThat(cpuIp.notes()).isEqualTo(qemu().crashNotes());
            assertThat(step.operands().subList(5, 10)).containsExactly(3L, 0xF0L, 2L, 0x3ec3a400L, 368L);
            assertThat(step.worstCase()).isZero();
        }

        @Test
        void configuredTextReplacesTheDefault() {
            LastWordsOptions options = new LastWordsOptions(0xCA2, 0xCA3, Duration.ofSeconds(1), 0,
                    Duration.ofMillis(1500), Watchdog.LEAVE, true, false, false, Optional.of("db01 oops"));
            List<PurgatoryStep> steps = steps(options, Mode.KDUMP);
            assertThat(steps).hasSize(3);
            assertThat(steps.get(1).worstCase()).isEqualTo(Duration.ofMillis(3040));
            assertThat(ipmi(steps.get(1)).request().data()).containsExactly(0x43, 0x03, 0x20, 'd', 0x6F, 0xA1, 'b',
                    '0');
            assertThat(SelRecords.decode(ipmi(steps.get(2)).request().data()))
                    .isEqualTo(new SelRecord.OemText(0, 0x20, 0, "db01 oops"));
        }
    }

    @Nested
    class OtherHandoffs {
        @Test
        void rebootGetsOnlyTheWatchdog() {
            LastWordsOptions options = new LastWordsOptions(0xCA2, 0xCA3, Duration.ofSeconds(5), 3,
                    Duration.ofSeconds(10), Watchdog.STOP, true, true, true, Optional.empty());
            List<PurgatoryStep> steps = steps(options, Mode.KEXEC);
            assertThat(steps).extracting(PurgatoryStep::kind).containsExactly("rtc", "ipmi-request");
            assertThat(ipmi(steps.get(1)).request()).isEqualTo(WatchdogTimer.stop());
            assertThat(ipmi(steps.get(1)).label()).isEqualTo("watchdog stop");
        }

        @Test
        void defaultsContributeNothing() {
            assertThat(steps(LastWordsOptions.DEFAULTS, Mode.KDUMP)).isEmpty();
        }

        @Test
        void bigEndianTargetPacksBytesHighFirst() {
            LastWordsOptions options = new LastWordsOptions(0xCA2, 0xCA3, Duration.ofSeconds(5), 3,
                    Duration.ofSeconds(10), Watchdog.STOP, false, false, false, Optional.empty());
            List<PurgatoryStep> steps = new LastWordsSteps(options).steps(FakePlanContext.of(qemu(), Mode.KEXEC, ""),
                    Target.of(new FakePlatform("be", 0, ByteOrder.BIG_ENDIAN, Set.of(Capabilities.PORT_IO))));
            assertThat(steps.get(1).operands().subList(5, 8))
                    .containsExactly(8L, 0x1824040000006400L, 13L);
            assertThat(IpmiRequestStep.decode(steps.get(1).operands(), ByteOrder.BIG_ENDIAN).request())
                    .isEqualTo(WatchdogTimer.stop());
        }

        @Test
        void aPlatformThatDeclaresNoPrstatusLayoutGetsNoCpuIpButTheRestStays() {
            List<PurgatoryStep> steps = new LastWordsSteps(EVERYTHING).steps(new PlanContextWithTarget(
                    FakePlanContext.of(qemu(), Mode.KDUMP, CMDLINE), 62, ByteOrder.LITTLE_ENDIAN));
            assertThat(steps).extracting(PurgatoryStep::kind).doesNotContain("cpu-ip-records")
                    .contains("rtc", "ipmi-request");
        }

        @Test
        void withoutKcoreCpuIpIsLeftOutButTheRestStays(@TempDir Path root) throws IOException {
            Path cpu = Files.createDirectories(root.resolve("sys/devices/system/cpu/cpu0"));
            Files.writeString(cpu.resolve("crash_notes"), "1000\n");
            Files.writeString(cpu.resolve("crash_notes_size"), "368\n");
            Machine machine = new ProfileMachine(new DirectorySystemView(root));
            List<PurgatoryStep> steps = new LastWordsSteps(EVERYTHING)
                    .steps(FakePlanContext.of(machine, Mode.KDUMP, ""));
            assertThat(steps).extracting(PurgatoryStep::kind).doesNotContain("cpu-ip-records").contains("rtc");
            assertThat(ipmi(steps.get(1)).request()).isEqualTo(PlatformEvent.panic("han"));
            assertThat(SelRecords.joinText(steps.subList(2, 5).stream()
                    .map(s -> SelRecords.decode(ipmi(s).request().data())).toList()))
                    .isEqualTo("handoff to capture kernel");
        }
    }

    @Nested
    class TargetFromThePlan {
        @Test
        void aContextThatNamesItsPlatformIsBelievedOverKcore() {
            // the qemu profile's /proc/kcore says x86_64 little-endian; the plan says big-endian machine 62
            FakePlanContext plain = FakePlanContext.of(qemu(), Mode.KEXEC, "");
            PlanContextWithTarget context = new PlanContextWithTarget(plain, 62, ByteOrder.BIG_ENDIAN);
            LastWordsOptions options = new LastWordsOptions(0xCA2, 0xCA3, Duration.ofSeconds(5), 3,
                    Duration.ofSeconds(10), Watchdog.STOP, false, false, false, Optional.empty());
            List<PurgatoryStep> steps = new LastWordsSteps(options).steps(context);
            assertThat(Target.of(context)).contains(new Target(62, ByteOrder.BIG_ENDIAN));
            assertThat(steps.get(1).operands().get(6)).isEqualTo(0x1824040000006400L);
        }

        @Test
        void aContextThatDoesNotFallsBackToKcore() {
            assertThat(Target.of(FakePlanContext.of(qemu(), Mode.KEXEC, ""))).isEmpty();
        }
    }

    @Nested
    class TargetFromKcore {
        @Test
        void qemuProfileIsLittleEndianX86_64() {
            assertThat(Target.fromKcore(qemu().view())).contains(new Target(62, ByteOrder.LITTLE_ENDIAN));
            assertThat(Target.fromKcore(qemu().view()).orElseThrow().instructionPointerOffset()).isEmpty();
            assertThat(Target.of(X86_64_LIKE).instructionPointerOffset()).hasValue(0xF0);
            assertThat(Target.of(S390X_LIKE).instructionPointerOffset()).isEmpty();
        }

        @Test
        void sparseCpusArePaddedSoEntryIIsCpuI() {
            CpuIpRecordsStep step = CpuIpRecordsStep.of(EVERYTHING.transport(), true, false, 0xF0,
                    List.of(new CrashNote(0, 0x1000, 368), new CrashNote(2, 0x3000, 368)));
            assertThat(step.notes()).containsExactly(new CrashNote(0, 0x1000, 368), new CrashNote(1, 0, 0),
                    new CrashNote(2, 0x3000, 368));
            assertThat(step.operands().subList(5, 14)).containsExactly(1L, 0xF0L, 3L, 0x1000L, 368L, 0L, 0L,
                    0x3000L, 368L);
        }
    }
}
