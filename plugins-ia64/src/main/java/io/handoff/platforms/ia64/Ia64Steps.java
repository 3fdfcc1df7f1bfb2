package io.handoff.platforms.ia64;

import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.arch.SimpleStepKind;
import io.handoff.api.arch.StepCodeRange;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import io.handoff.api.support.GenericSteps;
import io.handoff.api.support.SerialConsole;
import io.handoff.api.support.TransferRate;
import java.time.Duration;
import java.util.List;

/**
 * The IA-64 architecture step kinds (codes 48 to 63; plugins-ia64/PURGATORY.md), implemented twice: in ia64
 * assembly for the machine (src/main/ia64) and in C for the reference machine (src/main/purgatory/steps-ia64.c).
 *
 * <p>Bounds: copying one 4 KiB page, patching a memory map of at most 1 MiB, writing 16 bytes and one word take
 * well under a millisecond each on any Itanium; each is charged 10 ms.
 */
final class Ia64Steps {
    /** Copy the running kernel's boot_param (r28 at entry) into the new one and fill in command line and initrd. */
    static final SimpleStepKind BOOT_PARAM = new SimpleStepKind("ia64-boot-param", 48,
            List.of("boot_param", "command_line", "initrd_start", "initrd_size"), false, Duration.ofMillis(10),
            "purgatory: boot_param ");
    /** Patch the EFI memory map into the new buffer: loaded segments become LOADER_DATA, old LOADER_DATA free. */
    static final SimpleStepKind EFI_MEMMAP = new SimpleStepKind("ia64-efi-memmap", 49,
            List.of("boot_param", "buffer", "capacity", "segments", "count"), false, Duration.ofMillis(10),
            "purgatory: efi memmap ");
    /** Point the firmware's SetVirtualAddressMap at a 16-byte "return success" stub. */
    static final SimpleStepKind SVAM_HOOK = new SimpleStepKind("ia64-svam-hook", 50,
            List.of("boot_param", "stub"), false, Duration.ofMillis(10),
            "purgatory: SetVirtualAddressMap hook ");
    /** Enter the kernel in physical mode with r28 = the new boot_param; never returns. */
    static final SimpleStepKind JUMP = new SimpleStepKind("ia64-jump", 51, List.of("entry", "boot_param"), true,
            Duration.ZERO, "purgatory: jump to ");

    /** ia64's kinds and codes. */
    static final ArchitectureSteps ALL = new ArchitectureSteps(List.of(new StepCodeRange(48, 63)),
            List.of(BOOT_PARAM, EFI_MEMMAP, SVAM_HOOK, JUMP));

    /** The legacy COM1 port in ia64's I/O port space (ar.k0), where zx1-class machines' first UART answers. */
    static final SerialConsole CONSOLE = new SerialConsole(0x3F8, 1, 115_200);
    /** The copy rate assumed in bounds. */
    static final TransferRate COPY = new TransferRate(200_000_000L);
    /** The halt reason of the fallback: a required step failed. */
    static final long HALT_REQUIRED_STEP_FAILED = 1;

    /**
     * The bound of a UART that never drains: one wait of the iteration cap (10^6 polls at the default, each an
     * uncached port-space read of about a microsecond) before the runtime silences the console for good.
     */
    static final Duration STUCK_UART = Duration.ofMillis(1_004);

    private Ia64Steps() {
    }

    // SerialConsole's bound covers a UART that answers; the one wait a dead one costs is charged here, so that the
    // budget holds on a machine whose UART never drains (the architecture matrix's frozen-clock scenario)
    static PurgatoryStep console() {
        PurgatoryStep s = CONSOLE.step();
        return new PurgatoryStep(s.kind(), s.policy(), s.worstCase().plus(STUCK_UART), s.operands(),
                s.description() + "; a UART that never drains costs one capped wait (about 1 s), then silence");
    }

    static PurgatoryStep bootParam(long bootParam, long commandLine, long initrd, long initrdSize) {
        return GenericSteps.architecture(BOOT_PARAM, List.of(bootParam, commandLine, initrd, initrdSize),
                String.format("copy the running kernel's boot_param (r28) to %#x; command line %#x, initrd %#x+%#x",
                        bootParam, commandLine, initrd, initrdSize));
    }

    static PurgatoryStep efiMemmap(long bootParam, long buffer, long capacity, long table, long count) {
        return GenericSteps.architecture(EFI_MEMMAP, List.of(bootParam, buffer, capacity, table, count),
                String.format("patch the EFI memory map into %#x (%d bytes): the %d loaded segments at %#x become "
                        + "LOADER_DATA, the old LOADER_DATA CONVENTIONAL", buffer, capacity, count, table));
    }

    // best effort: without the hook the new kernel only loses EFI runtime services (Linux warns and boots on)
    static PurgatoryStep svamHook(long bootParam, long stub) {
        return GenericSteps.architecture(SVAM_HOOK, FailurePolicy.BEST_EFFORT, List.of(bootParam, stub),
                String.format("install the SetVirtualAddressMap stub at %#x (the firmware accepts the call once; the "
                        + "new kernel makes it again)", stub));
    }

    static PurgatoryStep jump(long entry, long bootParam) {
        return GenericSteps.architecture(JUMP, List.of(entry, bootParam),
                String.format("enter the kernel at %#x in physical mode, r28 = %#x", entry, bootParam));
    }
}
