package io.handoff.platforms.x86_64;

import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One BIOS e820 memory map entry as the zero page holds it: {@code u64 addr, u64 size, u32 type}, 20 bytes.
 *
 * @param addr first byte
 * @param size length in bytes
 * @param type the e820 type ({@link #RAM}, {@link #RESERVED} …)
 * @since 0.1
 */
public record E820Entry(long addr, long size, int type) {
    /** The encoded size of one entry. */
    public static final int BYTES = 20;
    /** Usable RAM. */
    public static final int RAM = 1;
    /** Reserved by firmware or devices. */
    public static final int RESERVED = 2;
    /** ACPI tables, reclaimable once read. */
    public static final int ACPI = 3;
    /** ACPI non-volatile storage. */
    public static final int NVS = 4;
    /** Persistent memory. */
    public static final int PMEM = 7;
    /** Legacy persistent memory ({@code memmap=nn!ss}). */
    public static final int PRAM = 12;

    /** Convert a typed range as kexec-tools' {@code add_e820_map_from_mr} does: unknown types become reserved. */
    public static E820Entry of(MemoryRange range) {
        return new E820Entry(range.start(), range.size(), typeOf(range.type()));
    }

    /** Return the e820 type of a range type; anything that is not RAM, ACPI, NVS or persistent is reserved. */
    public static int typeOf(RangeType type) {
        return switch (type) {
            case RAM -> RAM;
            case ACPI -> ACPI;
            case ACPI_NVS -> NVS;
            case PMEM -> PMEM;
            case PRAM -> PRAM;
            default -> RESERVED;
        };
    }

    /** Return the last byte (inclusive). */
    public long end() {
        return addr + size - 1;
    }

    /** Write the 20 little-endian bytes at the buffer's position and advance it. */
    public void encode(ByteBuffer out) {
        ByteBuffer le = out.order() == ByteOrder.LITTLE_ENDIAN ? out : out.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int at = out.position();
        le.putLong(at, addr).putLong(at + 8, size).putInt(at + 16, type);
        out.position(at + BYTES);
    }

    @Override
    public String toString() {
        return String.format("%016x-%016x (%d)", addr, end(), type);
    }
}
