package io.handoff.platforms.x86_64;

import io.handoff.api.machine.EfiMemoryDescriptor;
import io.handoff.api.plan.EfiRuntimeCall;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.spi.EfiRuntimeCalls;
import io.handoff.api.support.GenericSteps;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;

/**
 * x86_64's UEFI runtime-service calls from purgatory: 4-level page tables built at plan time
 * ({@link EfiPageTables}: identity with 2 MiB pages, each runtime region at its virtual address with 4 KiB pages,
 * MMIO uncached, no NX) and the {@code efi-call-x86_64} step ({@link EfiCallStep}), which runs the service with
 * the Microsoft x64 convention on those tables (purgatory's steps-x86_64.c).
 *
 * @since 0.3
 */
@Extension
public final class X86_64EfiRuntimeCalls implements EfiRuntimeCalls {
    @Override
    public String id() {
        return "x86_64-efi-runtime-calls";
    }

    /**
     * {@inheritDoc}
     *
     * @throws io.handoff.api.HandoffException PLATFORM when a region's virtual address is not canonical or page
     *     aligned, or it overlaps another region; USAGE when {@code identityLimit} is not a positive multiple of 1 GiB
     */
    @Override
    public long pageTablesSize(List<EfiMemoryDescriptor> runtimeMap, long identityLimit) {
        return EfiPageTables.build(runtimeMap, identityLimit, 0).length;
    }

    /**
     * {@inheritDoc}
     *
     * @throws io.handoff.api.HandoffException as {@link #pageTablesSize}, and USAGE for a base not page aligned
     */
    @Override
    public byte[] pageTables(List<EfiMemoryDescriptor> runtimeMap, long identityLimit, long base) {
        return EfiPageTables.build(runtimeMap, identityLimit, base);
    }

    /** The firmware boots the capture kernel with its own memory map: the kernel's memory is the command line's. */
    @Override
    public Map<String, String> firmwareBootOptions() {
        return Map.of("memmap", CmdlinePassing.ID);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the bytes arguments together exceed 4096 bytes
     */
    @Override
    public PurgatoryStep call(EfiRuntimeCall call) {
        return GenericSteps.architecture(X86_64Steps.EFI_CALL, call.policy(), EfiCallStep.operands(call),
                call.description());
    }
}
