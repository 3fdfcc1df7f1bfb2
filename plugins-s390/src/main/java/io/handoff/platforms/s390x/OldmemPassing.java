package io.handoff.platforms.s390x;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.BootParameters;
import io.handoff.api.plan.CaptureMemoryMap;
import io.handoff.api.spi.MemoryMapPassing;
import org.pf4j.Extension;

/**
 * Tells an s390 kdump kernel where the crashed kernel's memory went: OLDMEM_BASE and OLDMEM_SIZE at 0x10418 and
 * 0x10420 of the parameter area (kexec-tools' only crash-specific boot data on s390).
 *
 * <p>Purgatory swaps the crash region with [0, size) before the kdump kernel starts, so the kernel runs in low
 * memory and reads the old [0, size) from OLDMEM_BASE; it builds its own ELF core header from this (no elfcorehdr=).
 * The capture map is therefore exactly one range: the crash region.
 *
 * @since 0.1
 */
@Extension
public final class OldmemPassing implements MemoryMapPassing {
    /** The id used in configuration ({@code handoff.platforms.s390x.memmap}). */
    public static final String ID = "oldmem";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void pass(CaptureMemoryMap map, BootParameters target) {
        if (map.ranges().size() != 1) {
            throw new HandoffException(FailureKind.INTERNAL, "oldmem passing takes exactly one range (the crash region), "
                    + "got " + map.ranges());
        }
        target.block().putLong(S390Image.OLDMEM_BASE, map.ranges().get(0).start())
                .putLong(S390Image.OLDMEM_SIZE, map.ranges().get(0).size());
    }
}
