package io.handoff.api.arch;

import io.handoff.api.machine.MemoryRange;
import java.util.Optional;

/**
 * What an {@link ArchitectureSimulator} sees of the reference machine it runs on.
 *
 * @since 0.2
 */
public interface SimulatedMachine {
    /** Return {@code length} bytes of physical memory at {@code address} (unwritten memory reads as zero). */
    byte[] read(long address, int length);

    /** Tell whether this run is a crash (kdump) rather than a reboot. */
    boolean crash();

    /** Return the crash region of a kdump plan. */
    Optional<MemoryRange> crashRegion();

    /**
     * Return the machine's UEFI runtime services, when its profile has UEFI firmware; empty (the default) on a
     * machine without.
     *
     * @since 0.3
     */
    default Optional<SimulatedEfiRuntime> efiRuntime() {
        return Optional.empty();
    }
}
