package io.handoff.platforms.x86_64;

import io.handoff.api.spi.MemoryMapPassing;
import io.handoff.api.plan.BootParameters;
import io.handoff.api.plan.CaptureMemoryMap;
import org.pf4j.Extension;

/**
 * Passes the capture kernel's memory map in the zero page's e820 table, kexec-tools' default since 2014.
 *
 * <p>Up to 128 entries go at 0x2D0 with their count at 0x1E8, the rest into a {@code SETUP_E820_EXT}
 * setup_data node; {@code ext_mem_k}/{@code alt_mem_k} follow the RAM entry straddling 1 MiB.
 *
 * @since 0.1
 */
@Extension
public final class E820Passing implements MemoryMapPassing {
    /** The id used in configuration ({@code handoff.platforms.x86_64.memmap}) and {@code --memmap}. */
    public static final String ID = "e820";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void pass(CaptureMemoryMap map, BootParameters target) {
        E820Table.of(map).writeTo(target);
    }
}
