package io.handoff.platforms.x86_64;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.EfiMemoryDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * x86_64 4-level page tables for a UEFI runtime-service call from purgatory (efi-facts B3): {@code [0, identityLimit)}
 * mapped one to one with 2 MiB pages, and every page of every runtime region at its virtual address with a 4 KiB
 * entry; memory-mapped I/O (EFI types 11 and 12) uncached (PCD|PWT). No entry sets NX (bit 63): runtime code
 * runs from these pages.
 *
 * <p>Layout, in 4 KiB tables from {@code base}: the PML4 first, then the tables in the order they are first needed,
 * the identity map's (PDPT, then its page directories, lowest address first) before the runtime regions' (sorted by
 * virtual address, each page's PDPT, PD and PT as its walk first needs them). A runtime page inside the identity range
 * turns its 2 MiB identity entry into a page table that maps the other 511 pages one to one as before.
 */
final class EfiPageTables {
    /** A table's size, and a small page's. */
    static final int PAGE = 4096;
    /** A large page's size. */
    static final long LARGE = 2L << 20;
    /** The granularity of {@code identityLimit}. */
    static final long GIB = 1L << 30;
    /** Present. */
    static final long P = 1;
    /** Writable. */
    static final long RW = 2;
    /** Page-level write-through. */
    static final long PWT = 8;
    /** Page-level cache disable. */
    static final long PCD = 0x10;
    /** A 2 MiB page in a page-directory entry. */
    static final long PS = 0x80;
    /** The physical-address bits of an entry (bits 12-51). */
    static final long ADDRESS = 0x000F_FFFF_FFFF_F000L;
    /** EFI_MEMORY_MAPPED_IO. */
    static final int EFI_MMIO = 11;
    /** EFI_MEMORY_MAPPED_IO_PORT_SPACE. */
    static final int EFI_MMIO_PORT_SPACE = 12;
    /** The end of the lower canonical half (48-bit virtual addresses). */
    static final long LOWER_HALF_END = 1L << 47;

    private final long base;
    private final List<long[]> tables = new ArrayList<>();
    /** Table index by (level, virtual address prefix) of the tables below the root. */
    private final Map<String, Integer> byPrefix = new LinkedHashMap<>();

    private EfiPageTables(long base) {
        this.base = base;
        tables.add(new long[512]);
    }

    /**
     * Return the tables' bytes as they must lie at {@code base}.
     *
     * @throws HandoffException PLATFORM, one line, for a region whose virtual address is not canonical or not page
     *     aligned, that is empty, or that overlaps another; USAGE for a bad identity limit or base
     */
    static byte[] build(List<EfiMemoryDescriptor> runtimeMap, long identityLimit, long base) {
        if (identityLimit <= 0 || identityLimit % GIB != 0 || identityLimit > LOWER_HALF_END) {
            throw new HandoffException(FailureKind.USAGE, String.format(
                    "EFI page tables: identity limit %#x is not a positive multiple of 1 GiB below 128 TiB", identityLimit));
        }
        if (base % PAGE != 0 || base < 0) {
            throw new HandoffException(FailureKind.USAGE, String.format(
                    "EFI page tables: base %#x is not page aligned", base));
        }
        List<EfiMemoryDescriptor> regions = checked(runtimeMap);
        EfiPageTables t = new EfiPageTables(base);
        for (long va = 0; va < identityLimit; va += LARGE) {
            long[] pd = t.table(2, va);
            pd[index(va, 2)] = va | P | RW | PS;
        }
        for (EfiMemoryDescriptor r : regions) {
            long flags = P | RW | (uncached(r) ? PCD | PWT : 0);
            for (long i = 0; i < r.pages(); i++) {
                long va = r.virtualAddress() + i * PAGE;
                t.table(1, va)[index(va, 1)] = (r.physicalAddress() + i * PAGE) & ADDRESS | flags;
            }
        }
        ByteBuffer out = ByteBuffer.allocate(t.tables.size() * PAGE).order(ByteOrder.LITTLE_ENDIAN);
        for (long[] table : t.tables) {
            for (long e : table) {
                out.putLong(e);
            }
        }
        return out.array();
    }

    /** Tell whether the region is memory-mapped I/O, mapped uncached. */
    static boolean uncached(EfiMemoryDescriptor r) {
        return r.type() == EFI_MMIO || r.type() == EFI_MMIO_PORT_SPACE;
    }

    /** Return the index into the table of {@code level} (4 = PML4, 1 = page table) that {@code va} selects. */
    static int index(long va, int level) {
        return (int) (va >>> (12 + 9 * (level - 1)) & 511);
    }

    /**
     * Return the table of {@code level} (3 = PDPT, 2 = PD, 1 = PT) that maps {@code va}, creating it and the entry
     * that points at it in its parent when missing; a 2 MiB page in the way becomes a page table with the same
     * mapping.
     */
    private long[] table(int level, long va) {
        if (level == 4) {
            return tables.get(0);
        }
        String key = level + ":" + Long.toHexString(va >>> (12 + 9 * level));
        Integer existing = byPrefix.get(key);
        if (existing != null) {
            return tables.get(existing);
        }
        long[] parent = table(level + 1, va);
        int slot = index(va, level + 1);
        long[] table = new long[512];
        if ((parent[slot] & PS) != 0) {
            // split a 2 MiB page: the same pages, 4 KiB each, with the large page's flags
            long start = parent[slot] & ADDRESS & ~(LARGE - 1);
            long flags = parent[slot] & (P | RW | PWT | PCD);
            for (int i = 0; i < 512; i++) {
                table[i] = start + (long) i * PAGE | flags;
            }
        }
        tables.add(table);
        byPrefix.put(key, tables.size() - 1);
        parent[slot] = base + (long) (tables.size() - 1) * PAGE | P | RW;
        return table;
    }

    /** Return the regions sorted by virtual address, or refuse the map. */
    private static List<EfiMemoryDescriptor> checked(List<EfiMemoryDescriptor> runtimeMap) {
        for (EfiMemoryDescriptor r : runtimeMap) {
            long va = r.virtualAddress();
            if (r.pages() <= 0 || r.pages() > (1L << 35)) {
                throw refused(r, String.format("%d pages", r.pages()));
            }
            if (va % PAGE != 0 || r.physicalAddress() % PAGE != 0) {
                throw refused(r, "not page aligned");
            }
            long last = va + (r.pages() - 1) * PAGE;
            if (!canonical(va) || !canonical(last) || (va < 0) != (last < 0)) {
                throw refused(r, "not a canonical 48-bit virtual range");
            }
        }
        List<EfiMemoryDescriptor> sorted = new ArrayList<>(runtimeMap);
        sorted.sort(Comparator.comparing(EfiMemoryDescriptor::virtualAddress, Long::compareUnsigned));
        for (int i = 1; i < sorted.size(); i++) {
            EfiMemoryDescriptor a = sorted.get(i - 1);
            EfiMemoryDescriptor b = sorted.get(i);
            if (Long.compareUnsigned(a.virtualAddress() + a.pages() * PAGE, b.virtualAddress()) > 0) {
                throw refused(b, "its virtual range overlaps region " + a.index() + "'s");
            }
        }
        return sorted;
    }

    /** Tell whether bits 63..47 of {@code va} are all equal. */
    static boolean canonical(long va) {
        return va >> 47 == 0 || va >> 47 == -1;
    }

    private static HandoffException refused(EfiMemoryDescriptor r, String why) {
        return new HandoffException(FailureKind.PLATFORM, String.format(
                "EFI runtime region %s (virt %#x, phys %#x, %d pages) cannot be mapped for purgatory: %s", r.index(),
                r.virtualAddress(), r.physicalAddress(), r.pages(), why));
    }
}
