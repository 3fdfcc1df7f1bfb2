package io.handoff.core.digest;

import java.nio.ByteBuffer;

/**
 * Read access to a physical memory image, as purgatory sees memory after the jump.
 */
@FunctionalInterface
public interface PhysicalMemory {
    /**
     * Return {@code length} bytes starting at physical {@code address}.
     *
     * @return a buffer positioned at 0 with exactly {@code length} remaining bytes
     */
    ByteBuffer read(long address, int length);
}
