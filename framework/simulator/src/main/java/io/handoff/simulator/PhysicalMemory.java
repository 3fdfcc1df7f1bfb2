package io.handoff.simulator;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference machine's physical memory: sparse, 64-bit addressed, zero wherever nothing was written.
 *
 * <p>Pages of {@link #PAGE_SIZE} bytes are allocated on first write; reading an untouched page costs no
 * memory and yields zeros, so a 1 GiB machine holding a 10 MiB kernel stays small. It is also the
 * {@link io.handoff.core.digest.PhysicalMemory} the Java digest verifier reads, so a simulated memory
 * image can be checked against a plan's digests independently of purgatory.
 */
public final class PhysicalMemory implements io.handoff.core.digest.PhysicalMemory {
    /** The allocation unit. */
    public static final int PAGE_SIZE = 4096;
    private static final int SHIFT = 12;
    private static final int STREAM_BLOCK = 1 << 16;

    private final Map<Long, byte[]> pages = new HashMap<>();

    /** Return the number of pages allocated so far. */
    public int pagesAllocated() {
        return pages.size();
    }

    /** Read one byte. */
    public int readByte(long address) {
        byte[] page = pages.get(address >>> SHIFT);
        return page == null ? 0 : page[(int) (address & (PAGE_SIZE - 1))] & 0xFF;
    }

    /** Write one byte. */
    public void writeByte(long address, int value) {
        page(address >>> SHIFT)[(int) (address & (PAGE_SIZE - 1))] = (byte) value;
    }

    /** Copy {@code length} bytes at {@code address} into {@code dst[offset..]}. */
    public void read(long address, byte[] dst, int offset, int length) {
        int done = 0;
        while (done < length) {
            long a = address + done;
            int inPage = (int) (a & (PAGE_SIZE - 1));
            int n = Math.min(length - done, PAGE_SIZE - inPage);
            byte[] page = pages.get(a >>> SHIFT);
            if (page == null) {
                java.util.Arrays.fill(dst, offset + done, offset + done + n, (byte) 0);
            } else {
                System.arraycopy(page, inPage, dst, offset + done, n);
            }
            done += n;
        }
    }

    /** Copy {@code src[offset..offset+length)} to {@code address}. */
    public void write(long address, byte[] src, int offset, int length) {
        int done = 0;
        while (done < length) {
            long a = address + done;
            int inPage = (int) (a & (PAGE_SIZE - 1));
            int n = Math.min(length - done, PAGE_SIZE - inPage);
            // writing zeros to an untouched page changes nothing: keep the map sparse
            if (pages.containsKey(a >>> SHIFT) || !allZero(src, offset + done, n)) {
                System.arraycopy(src, offset + done, page(a >>> SHIFT), inPage, n);
            }
            done += n;
        }
    }

    /** Return a copy of {@code length} bytes at {@code address}. */
    public byte[] bytes(long address, int length) {
        byte[] out = new byte[length];
        read(address, out, 0, length);
        return out;
    }

    @Override
    public ByteBuffer read(long address, int length) {
        return ByteBuffer.wrap(bytes(address, length));
    }

    /**
     * Copy each segment's data to its {@code mem}, as {@code kexec_load} does; the zero tail stays zero.
     *
     * <p>File slices are streamed in 64 KiB blocks, so a kernel never sits in the heap as one array.
     *
     * @throws HandoffException UNREADABLE_FILE naming the file when a slice cannot be read
     */
    public void load(List<Segment> segments) {
        for (Segment s : segments) {
            // the tail of a reused machine must read as zeros, as the kernel clears it
            clear(s.mem() + s.bufsz(), s.memsz() - s.bufsz());
            if (s.data() instanceof SegmentData.Bytes b) {
                write(s.mem(), b.data(), 0, b.data().length);
            } else if (s.data() instanceof SegmentData.FileSlice f) {
                stream(s.mem(), f);
            }
        }
    }

    /** Set {@code length} bytes at {@code address} to zero. */
    public void clear(long address, long length) {
        byte[] zeros = new byte[PAGE_SIZE];
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(PAGE_SIZE - ((address + done) & (PAGE_SIZE - 1)), length - done);
            if (pages.containsKey((address + done) >>> SHIFT)) {
                write(address + done, zeros, 0, n);
            }
            done += n;
        }
    }

    private void stream(long mem, SegmentData.FileSlice f) {
        try (FileChannel ch = FileChannel.open(f.file(), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(STREAM_BLOCK);
            long done = 0;
            while (done < f.length()) {
                buf.clear().limit((int) Math.min(STREAM_BLOCK, f.length() - done));
                int n = ch.read(buf, f.offset() + done);
                if (n < 0) {
                    throw new HandoffException(FailureKind.UNREADABLE_FILE, String.format(
                            "%s: ends at offset %#x, before the segment's %#x bytes from %#x", f.file(),
                            f.offset() + done, f.length(), f.offset()));
                }
                write(mem + done, buf.array(), 0, n);
                done += n;
            }
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, f.file() + ": cannot read: " + e.getMessage(), e);
        }
    }

    private byte[] page(long index) {
        return pages.computeIfAbsent(index, i -> new byte[PAGE_SIZE]);
    }

    private static boolean allZero(byte[] b, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
