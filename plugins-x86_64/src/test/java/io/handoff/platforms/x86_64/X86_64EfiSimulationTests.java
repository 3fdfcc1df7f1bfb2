package io.handoff.platforms.x86_64;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.plan.EfiRuntimeCall;
import io.handoff.api.plan.EfiRuntimeService;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.support.GenericSteps;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.purgatory.PurgatoryImage;
import io.handoff.core.purgatory.StepEncoder;
import io.handoff.core.purgatory.StepKinds;
import io.handoff.core.purgatory.StepProgram;
import io.handoff.simulator.Handoff;
import io.handoff.simulator.HostPurgatory;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.StepRun;
import io.handoff.simulator.Trace;
import io.handoff.simulator.TraceReport;
import io.handoff.simulator.efi.EfiFault;
import io.handoff.simulator.efi.EfiVariable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * EFI runtime-service calls made by the plugin's real purgatory (its host build) on the reference machine with the
 * q35 + OVMF guest's firmware: SetVariable(BootNext) then ResetSystem(warm), every injected fault, a page fault and a
 * malformed step.
 */
class X86_64EfiSimulationTests {
    static final HostPurgatory HOST = HostPurgatory.load(new X86_64Simulator());
    static final long PURGATORY = 0x2e00_0000L;
    static final long TABLES = EfiCallStepTests.TABLES;
    static final long FOUR_GIB = 4L << 30;
    /** Where the firmware's table points SetVariable and ResetSystem: inside region 2 (runtime code). */
    static final long SET_VARIABLE_VA = 0xfffffffeff1ec000L + 8 * 4096 + 0x100 + 0x80;
    static final long RESET_SYSTEM_VA = 0xfffffffeff1ec000L + 10 * 4096 + 0x100 + 0xA0;

    static PurgatoryStep step(EfiRuntimeCall call) {
        return new X86_64EfiRuntimeCalls().call(call);
    }

    /** The usual program: console, BootNext = 0x0011, warm reset; the fallback halts. */
    static List<PurgatoryStep> bootNextThenReset() {
        return List.of(PurgatorySteps.CONSOLE.step(), step(EfiCallStepTests.setBootNext(0x11)),
                step(EfiCallStepTests.resetWarm()));
    }

    static byte[] area(List<PurgatoryStep> main) {
        StepProgram program = new StepProgram(main, List.of(GenericSteps.halt(1, "halt")), Optional.empty());
        return StepEncoder.encode(program, ByteOrder.LITTLE_ENDIAN, 1_000_000, new StepKinds(X86_64Steps.ALL));
    }

    /** The plugin's purgatory image with the parameter area in it, the page tables, as one plan. */
    static HandoffImage image(byte[] area, byte[] tables) {
        byte[] blob;
        try (InputStream in = X86_64EfiSimulationTests.class.getResourceAsStream(X86_64Platform.PURGATORY_RESOURCE)) {
            blob = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PurgatoryImage header = PurgatoryImage.read(blob, "x86_64.bin", ByteOrder.LITTLE_ENDIAN);
        byte[] loaded = Arrays.copyOf(blob, (int) Math.max(blob.length, header.paramOffset() + area.length));
        System.arraycopy(area, 0, loaded, (int) header.paramOffset(), area.length);
        PlanRequest request = new PlanRequest(PlanRequest.Mode.KDUMP, Path.of("vmlinuz"), Optional.empty(), "",
                Map.of());
        return new HandoffImage("x86_64", request, new PlatformPlan(0x1000000, Map.of(), "", Map.of(), List.of()),
                List.of(new Segment("purgatory", new SegmentData.Bytes(loaded), PURGATORY, 0x9000),
                        new Segment("efi-page-tables", new SegmentData.Bytes(tables), TABLES, tables.length)),
                List.of(), 0x3E0001, Optional.empty(), Optional.empty());
    }

    static Trace run(List<PurgatoryStep> main, ReferenceMachine.Options options) {
        return run(area(main), new X86_64EfiRuntimeCalls().pageTables(EfiQ35.RUNTIME_MAP, FOUR_GIB, TABLES), options);
    }

    static Trace run(byte[] area, byte[] tables, ReferenceMachine.Options options) {
        ReferenceMachine machine = new ReferenceMachine(HOST, options, Optional.of(new X86_64Simulator()),
                X86_64Steps.ALL);
        return machine.run(image(area, tables));
    }

    static ReferenceMachine.Options uefi() {
        return ReferenceMachine.Options.defaults().efi(EfiQ35.FIRMWARE);
    }

    @Nested
    class BootNextThenWarmReset {
        @Test
        void theFirmwareStoresBootNextAndResetsTheMachine() {
            Trace t = run(bootNextThenReset(), uefi());
            assertThat(t.handoff()).isEqualTo(new Handoff.FirmwareReset("EFI ResetSystem(EfiResetWarm): the "
                    + "firmware resets the machine; BootNext=0x0011: it boots Boot0011 next"));
            assertThat(t.efi().orElseThrow().bootNext()).contains(0x11);
            assertThat(t.efi().orElseThrow().variable("BootNext", EfiVariable.GLOBAL)).hasValueSatisfying(v -> {
                assertThat(v.attributes()).isEqualTo(7);
                assertThat(v.data()).containsExactly(0x11, 0x00);
            });
            assertThat(t.lines()).containsSubsequence(
                    String.format("purgatory: EFI call SetVariable at %#x", SET_VARIABLE_VA),
                    "purgatory: EFI SetVariable returned 0x0",
                    String.format("purgatory: EFI call ResetSystem at %#x (must not return)", RESET_SYSTEM_VA));
            assertThat(t.mainSteps()).extracting(r -> r.step().name() + " " + r.outcome()).containsExactly(
                    "console COMPLETED", "efi-call-x86_64 COMPLETED", "efi-call-x86_64 HANDED_OFF");
            assertThat(t.mainSteps().get(1).detail()).isEqualTo(String.format("purgatory: EFI call SetVariable at "
                    + "%#x", SET_VARIABLE_VA));
            assertThat(t.mainSteps().get(2).detail()).isEqualTo(String.format("purgatory: EFI call ResetSystem at "
                    + "%#x (must not return)", RESET_SYSTEM_VA));
            assertThat(t.fallbackSteps()).extracting(StepRun::outcome).containsExactly(StepRun.Outcome.NOT_REACHED);
        }

        @Test
        void theCpuTranslatedEachVirtualPointerThroughTheTables() {
            Trace t = run(bootNextThenReset(), uefi());
            assertThat(t.events()).contains(
                    String.format("EFI SetVariable: the CPU calls virtual %#x, physical %#x through the page tables at "
                            + "%#x (ms_abi)", SET_VARIABLE_VA, 0x7f5ec000L + 8 * 4096 + 0x180, TABLES),
                    String.format("EFI ResetSystem: the CPU calls virtual %#x, physical %#x through the page tables at "
                            + "%#x (ms_abi)", RESET_SYSTEM_VA, 0x7f5ec000L + 10 * 4096 + 0x1A0, TABLES));
            assertThat(t.efi().orElseThrow().calls()).containsExactly(
                    "EFI SetVariable(BootNext-8be4df61-93ca-11d2-aa0d-00e098032b8c: attributes 0x7, 2 bytes 11 00) "
                            + "-> 0x0 (EFI_SUCCESS)",
                    "EFI ResetSystem(EfiResetWarm): the firmware resets the machine; BootNext=0x0011: it boots "
                            + "Boot0011 next");
        }

        @Test
        void theReportShowsTheCallsAndVariables() {
            List<String> report = TraceReport.render(Optional.empty(), run(bootNextThenReset(), uefi()));
            assertThat(report).contains("UEFI runtime services (EFI_RUNTIME_SERVICES at 0x7f5ebb98):",
                    "  variable BootNext-8be4df61-93ca-11d2-aa0d-00e098032b8c: attributes 0x7, 2 bytes 11 00",
                    "Outcome: purgatory called the UEFI firmware: EFI ResetSystem(EfiResetWarm): the firmware resets "
                            + "the machine; BootNext=0x0011: it boots Boot0011 next.");
        }

        @Test
        void aColdResetWithoutBootNextBootsByBootOrder() {
            EfiRuntimeCall cold = new EfiRuntimeCall(TABLES, EfiQ35.RUNTIME, EfiRuntimeService.RESET_SYSTEM,
                    List.of(new EfiRuntimeCall.Value(0), new EfiRuntimeCall.Value(0), new EfiRuntimeCall.Value(0),
                            new EfiRuntimeCall.Value(0)), false, PurgatoryStep.FailurePolicy.REQUIRED, "cold");
            Trace t = run(List.of(PurgatorySteps.CONSOLE.step(), step(cold)), uefi());
            assertThat(t.handoff()).isEqualTo(new Handoff.FirmwareReset("EFI ResetSystem(EfiResetCold): the firmware "
                    + "resets the machine; no BootNext: it boots by BootOrder"));
        }
    }

    @Nested
    class Faults {
        @Test
        void aFailingSetVariableFailsTheStepAndTheFallbackRuns() {
            Trace t = run(bootNextThenReset(), uefi().efi(EfiFault.parse("set-variable:fail")));
            assertThat(t.lines()).contains("purgatory: step 1 (efi-call-x86_64) failed: EFI SetVariable returned "
                    + "0x8000000000000007; running fallback");
            assertThat(t.handoff()).isEqualTo(new Handoff.Halted(1));
            assertThat(t.efi().orElseThrow().bootNext()).isEmpty();
            assertThat(t.mainSteps()).extracting(StepRun::outcome).containsExactly(StepRun.Outcome.COMPLETED,
                    StepRun.Outcome.FAILED, StepRun.Outcome.NOT_REACHED);
            assertThat(t.events()).contains("fault: EFI SetVariable does nothing and returns EFI_DEVICE_ERROR");
        }

        @Test
        void aResetSystemThatReturnsFailsTheStep() {
            Trace t = run(bootNextThenReset(), uefi().efi(EfiFault.parse("reset-system:return")));
            assertThat(t.lines()).contains("purgatory: step 2 (efi-call-x86_64) failed: EFI ResetSystem returned 0x0; "
                    + "running fallback");
            assertThat(t.handoff()).isEqualTo(new Handoff.Halted(1));
            assertThat(t.efi().orElseThrow().bootNext()).contains(0x11);
        }

        @Test
        void aHangingSetVariableEndsTheRunHungWhenTheBudgetIsSpent() {
            Trace t = run(bootNextThenReset(), uefi().efi(EfiFault.parse("set-variable:hang")));
            Duration budget = t.budget().orElseThrow();
            assertThat(budget).isGreaterThan(Duration.ofSeconds(2));
            assertThat(t.handoff()).isEqualTo(new Handoff.Hung("EFI SetVariable never returned: the CPU stays in the "
                    + "firmware (injected hang)", budget));
            assertThat(t.total()).isEqualTo(budget);
            assertThat(t.events()).anyMatch(e -> e.startsWith("EFI SetVariable never returned")
                    && e.contains("the program's budget of ") && e.endsWith("and nothing more happens"));
            assertThat(t.lines()).noneMatch(l -> l.contains("returned 0x"));
            assertThat(t.mainSteps()).extracting(StepRun::outcome).containsExactly(StepRun.Outcome.COMPLETED,
                    StepRun.Outcome.HANDED_OFF, StepRun.Outcome.NOT_REACHED);
            assertThat(t.efi().orElseThrow().bootNext()).isEmpty();
        }

        @Test
        void theFaultsParseAsTheCommandLineSpellsThem() {
            assertThat(EfiFault.parse("get-variable:hang")).isEqualTo(new EfiFault(EfiRuntimeService.GET_VARIABLE,
                    EfiFault.Kind.HANG));
            assertThat(EfiFault.parse("reset-system:return").toString()).isEqualTo("reset-system:return");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EfiFault.parse("set-variable:explode"))
                    .hasMessage("'explode' is not an EFI fault; expected fail, return or hang");
        }
    }

    @Nested
    class Broken {
        @Test
        void tablesWithoutTheRuntimeRegionsPageFault() {
            byte[] identityOnly = new X86_64EfiRuntimeCalls().pageTables(List.of(), FOUR_GIB, TABLES);
            Trace t = run(area(bootNextThenReset()), identityOnly, uefi());
            assertThat(t.handoff()).isInstanceOfSatisfying(Handoff.Stopped.class, s -> {
                assertThat(s.stepKind()).isEqualTo(64);
                assertThat(s.description()).isEqualTo(String.format("page fault calling EFI SetVariable at virtual %#x "
                        + "(page tables at %#x): PML4 entry 511 at %#x (0x0) is not present", SET_VARIABLE_VA, TABLES,
                        TABLES + 511 * 8));
            });
            assertThat(t.efi().orElseThrow().calls()).isEmpty();
        }

        @Test
        void aMachineWithoutUefiFirmwareHasNoTable() {
            Trace t = run(bootNextThenReset(), ReferenceMachine.Options.defaults());
            assertThat(t.lines()).contains("purgatory: step 1 (efi-call-x86_64) failed: no EFI runtime services signature at "
                    + "0x7f5ebb98; running fallback");
            assertThat(t.handoff()).isEqualTo(new Handoff.Halted(1));
            assertThat(t.efi()).isEmpty();
        }

        @Test
        void aPointerPastTheDataMakesTheProgramMalformed() {
            byte[] area = area(bootNextThenReset());
            // step 1 starts after the header and the console step (16 + 2 operands); its argument 4 is operand 10
            int arg4 = StepEncoder.AREA_HEADER_SIZE + 32 + 16 + 10 * 8;
            assertThat(area[arg4]).isEqualTo((byte) 40);
            area[arg4] = 48;
            Trace t = run(area, new X86_64EfiRuntimeCalls().pageTables(EfiQ35.RUNTIME_MAP, FOUR_GIB, TABLES), uefi());
            assertThat(t.handoff()).isInstanceOfSatisfying(Handoff.Refused.class, r -> assertThat(r.code())
                    .isEqualTo(-3));
            assertThat(t.lines()).isEmpty();
            assertThat(t.efi().orElseThrow().calls()).isEmpty();
        }

        @Test
        void aMissingServicePointerFailsTheStep() {
            EfiRuntimeCall getTime = new EfiRuntimeCall(TABLES, EfiQ35.RUNTIME, EfiRuntimeService.GET_TIME,
                    List.of(new EfiRuntimeCall.Value(0), new EfiRuntimeCall.Value(0)), true,
                    PurgatoryStep.FailurePolicy.BEST_EFFORT, "time");
            Trace t = run(List.of(PurgatorySteps.CONSOLE.step(), step(getTime), step(EfiCallStepTests.resetWarm())),
                    uefi());
            assertThat(t.lines()).contains("purgatory: step 1 (efi-call-x86_64) failed: EFI GetTime returned "
                    + "0x8000000000000003; continuing");
            assertThat(t.handoff()).isInstanceOf(Handoff.FirmwareReset.class);
        }
    }
}
