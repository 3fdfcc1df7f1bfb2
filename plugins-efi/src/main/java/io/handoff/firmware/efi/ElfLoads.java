package io.handoff.firmware.efi;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The physical ranges an ELF64 core header's PT_LOAD entries cover: the first kernel's memory the dump reads, which
 * the resume application compares with what the firmware used during the warm reboot.
 */
final class ElfLoads {
    private static final int PT_LOAD = 1;

    private ElfLoads() {
    }

    private static final int PT_NOTE = 4;

    /**
     * A PT_NOTE entry: where its program header sits in the header, and the old memory it names (the CPUs'
     * {@code crash_notes}, vmcoreinfo).
     *
     * @param phdr the program header's offset in the ELF core header
     * @param offset p_offset, the notes' physical address
     * @param size p_memsz
     */
    record Note(int phdr, long offset, long size) {
    }

    /** Return the PT_NOTE entries with a non-zero size, in header order. */
    static List<Note> notes(byte[] header) {
        ByteBuffer b = check(header);
        List<Note> notes = new ArrayList<>();
        for (int i = 0; i < phnum(b); i++) {
            int at = phdr(b, i);
            if (b.getInt(at) == PT_NOTE && b.getLong(at + 40) > 0) {
                notes.add(new Note(at, b.getLong(at + 8), b.getLong(at + 40)));
            }
        }
        return notes;
    }

    private static ByteBuffer check(byte[] header) {
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        if (header.length < 64 || b.getInt(0) != 0x464c457f || header[4] != 2) {
            throw new HandoffException(FailureKind.PLATFORM, "the elfcorehdr segment is not an ELF64 header");
        }
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        if (phentsize < 56 || phoff < 0 || phoff + (long) phnum(b) * phentsize > header.length) {
            throw new HandoffException(FailureKind.PLATFORM, "the ELF core header's program headers run past it");
        }
        return b;
    }

    private static int phnum(ByteBuffer b) {
        return Short.toUnsignedInt(b.getShort(0x38));
    }

    private static int phdr(ByteBuffer b, int i) {
        return (int) (b.getLong(0x20) + (long) i * Short.toUnsignedInt(b.getShort(0x36)));
    }

    /** Return the physical memory the PT_LOAD entries read (p_offset, p_filesz), sorted and merged. */
    static List<MemoryRange> ranges(byte[] header) {
        ByteBuffer b = check(header);
        int phnum = phnum(b);
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        List<MemoryRange> loads = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            // the capture kernel reads old memory at p_offset (kdump headers: a physical address; the backup
            // region's PT_LOAD points at the copy purgatory made), p_filesz bytes
            long filesz = b.getLong(at + 32);
            if (b.getInt(at) == PT_LOAD && filesz > 0) {
                long offset = b.getLong(at + 8);
                loads.add(new MemoryRange(offset, offset + filesz - 1, RangeType.RAM));
            }
        }
        loads.sort(Comparator.comparingLong(MemoryRange::start));
        List<MemoryRange> merged = new ArrayList<>();
        for (MemoryRange r : loads) {
            MemoryRange last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r.start() <= last.end() + 1) {
                merged.set(merged.size() - 1, new MemoryRange(last.start(), Math.max(last.end(), r.end()), RangeType.RAM));
            } else {
                merged.add(r);
            }
        }
        return merged;
    }
}
