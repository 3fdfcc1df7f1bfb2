package io.handoff.api.spi;

import io.handoff.api.plan.BootParameters;
import io.handoff.api.plan.CaptureMemoryMap;

/**
 * A way of telling the capture kernel which memory it may use: one strategy per mechanism.
 *
 * <p>The platform builds the {@link CaptureMemoryMap} and picks a strategy by id from its configuration
 * or the {@code --memmap} option; the strategy writes it where the new kernel will look.
 *
 * @since 0.1
 */
public interface MemoryMapPassing extends Contribution {
    /**
     * Write the capture kernel's memory map into the boot parameters.
     *
     * @param map the ranges the capture kernel may use and must know about, sorted
     * @param target the boot parameter block and command line being built
     */
    void pass(CaptureMemoryMap map, BootParameters target);
}
