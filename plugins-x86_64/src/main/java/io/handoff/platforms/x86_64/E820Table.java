package io.handoff.platforms.x86_64;

import io.handoff.api.machine.MemoryRange;
import io.handoff.api.plan.BootParameters;
import io.handoff.api.plan.CaptureMemoryMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * An e820 memory map and how it is stored in a zero page (kexec-tools' {@code setup_e820}).
 *
 * <p>The first {@value #ZERO_PAGE_MAX} entries go into {@code e820_table} at 0x2D0 with their count at
 * 0x1E8; the rest into one {@code SETUP_E820_EXT} setup_data node. {@code ext_mem_k} (0x002) and
 * {@code alt_mem_k} (0x1E0) are derived from the RAM entry that straddles 1 MiB.
 *
 * @param entries the entries, in the order given
 * @since 0.1
 */
public record E820Table(List<E820Entry> entries) {
    /** How many entries the zero page holds ({@code E820MAX}). */
    public static final int ZERO_PAGE_MAX = 128;
    /** The zero-page offset of {@code e820_table}. */
    public static final int TABLE_OFFSET = 0x2D0;
    /** The zero-page offset of the {@code e820_entries} count byte. */
    public static final int COUNT_OFFSET = 0x1E8;
    /** The zero-page offset of {@code ext_mem_k} (u16). */
    public static final int EXT_MEM_K_OFFSET = 0x002;
    /** The zero-page offset of {@code alt_mem_k} (u32). */
    public static final int ALT_MEM_K_OFFSET = 0x1E0;
    /** The setup_data type of the extension node. */
    public static final int SETUP_E820_EXT = 1;

    private static final long ONE_MIB = 0x100000;

    public E820Table {
        entries = List.copyOf(entries);
    }

    /** Return the table of a capture kernel's memory map, in its order. */
    public static E820Table of(CaptureMemoryMap map) {
        return ofRanges(map.ranges());
    }

    /** Return the table of typed ranges, in their order. */
    public static E820Table ofRanges(List<MemoryRange> ranges) {
        return new E820Table(ranges.stream().map(E820Entry::of).toList());
    }

    /** Encode entries {@code [from, to)} as consecutive 20-byte records. */
    public byte[] encode(int from, int to) {
        ByteBuffer out = ByteBuffer.allocate((to - from) * E820Entry.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        entries.subList(from, to).forEach(e -> e.encode(out));
        return out.array();
    }

    /**
     * Store the table in a zero page: count, the first 128 entries, the memory sizes, and the overflow as a
     * {@code SETUP_E820_EXT} node through {@link BootParameters#addLinkedData}.
     *
     * @param target the zero page being built
     */
    public void writeTo(BootParameters target) {
        ByteBuffer page = target.block().order(ByteOrder.LITTLE_ENDIAN);
        int inPage = Math.min(entries.size(), ZERO_PAGE_MAX);
        page.put(COUNT_OFFSET, (byte) inPage);
        page.put(TABLE_OFFSET, new byte[ZERO_PAGE_MAX * E820Entry.BYTES]); // a table written twice leaves no stale tail
        page.put(TABLE_OFFSET, encode(0, inPage));
        // kexec-tools zeroes both sizes, then sets them from any RAM entry straddling 1 MiB (the last one wins).
        long extMemK = 0;
        long altMemK = 0;
        for (E820Entry e : entries) {
            if (e.type() == E820Entry.RAM && e.addr() <= ONE_MIB && e.end() > ONE_MIB) {
                long memK = (e.end() >>> 10) - (ONE_MIB >>> 10);
                extMemK = Math.min(memK, 0xFC00); // 64 MiB: the most a 16-bit field of the BIOS call reported
                altMemK = Math.min(memK, 0xFFFF_FFFFL);
            }
        }
        page.putShort(EXT_MEM_K_OFFSET, (short) extMemK);
        page.putInt(ALT_MEM_K_OFFSET, (int) altMemK);
        if (entries.size() > ZERO_PAGE_MAX) {
            target.addLinkedData(SETUP_E820_EXT, encode(ZERO_PAGE_MAX, entries.size()));
        }
    }
}
