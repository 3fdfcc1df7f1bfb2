package io.handoff.it.kexec;

import java.util.Objects;

/**
 * One segment as a loader would hand it to {@code kexec_load}: role, physical destination, sizes and bytes.
 *
 * @param role what the segment holds ({@code kernel}, {@code initrd}, {@code setup}, {@code purgatory},
 *     {@code elfcorehdr}, {@code backup}, {@code setup-data})
 * @param mem physical base
 * @param memsz size in memory
 * @param bufsz number of data bytes
 * @param data the data bytes ({@code bufsz} of them)
 */
public record LoadedSegment(String role, long mem, long memsz, long bufsz, byte[] data) {
    /** Roles both sides use. */
    public static final String KERNEL = "kernel";
    public static final String INITRD = "initrd";
    public static final String SETUP = "setup";
    public static final String PURGATORY = "purgatory";
    public static final String ELFCOREHDR = "elfcorehdr";
    public static final String BACKUP = "backup";
    public static final String SETUP_DATA = "setup-data";

    public LoadedSegment {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(data, "data");
    }

    /** Return whether the physical address lies in this segment's memory. */
    public boolean contains(long phys) {
        return Long.compareUnsigned(phys, mem) >= 0 && Long.compareUnsigned(phys - mem, memsz) < 0;
    }

    /** Return the first byte past the segment in memory. */
    public long end() {
        return mem + memsz;
    }

    @Override
    public String toString() {
        return String.format("%s mem=%#x memsz=%#x bufsz=%#x", role, mem, memsz, bufsz);
    }
}
