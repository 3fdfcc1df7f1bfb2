package io.handoff.it.kexec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What one loader (kexec-tools or handoff) would hand to {@code kexec_load}, read back for comparison.
 *
 * @param source who produced it ({@code kexec-tools} or {@code handoff}), for messages
 * @param entry the entry address
 * @param flags the {@code kexec_load} flags
 * @param segments the segments, in the loader's order
 */
public record CapturedLoad(String source, long entry, long flags, List<LoadedSegment> segments) {
    public CapturedLoad {
        segments = List.copyOf(segments);
    }

    /** Return the segment with this role, if there is exactly one. */
    public Optional<LoadedSegment> find(String role) {
        List<LoadedSegment> all = all(role);
        if (all.size() > 1) {
            throw new IllegalStateException(source + ": " + all.size() + " segments with role " + role);
        }
        return all.stream().findFirst();
    }

    /** Return the segment with this role or fail naming the loader. */
    public LoadedSegment require(String role) {
        return find(role).orElseThrow(() -> new AssertionError(source + " loaded no " + role + " segment: " + segments));
    }

    /** Return every segment with this role. */
    public List<LoadedSegment> all(String role) {
        return segments.stream().filter(s -> s.role().equals(role)).toList();
    }

    /** Return the segment whose memory holds this physical address. */
    public Optional<LoadedSegment> segmentAt(long phys) {
        return segments.stream().filter(s -> s.contains(phys)).findFirst();
    }

    /**
     * Read {@code length} bytes of the memory image at a physical address: segment data, then zero fill.
     *
     * @throws AssertionError when the range is not inside one segment
     */
    public byte[] read(long phys, int length) {
        LoadedSegment s = segmentAt(phys).orElseThrow(() -> new AssertionError(
                String.format("%s: no segment holds physical address %#x", source, phys)));
        long offset = phys - s.mem();
        if (offset + length > s.memsz()) {
            throw new AssertionError(String.format("%s: %#x+%#x runs past %s", source, phys, length, s));
        }
        byte[] out = new byte[length];
        int available = (int) Math.max(0, Math.min(length, s.data().length - offset));
        if (available > 0) {
            System.arraycopy(s.data(), (int) offset, out, 0, available);
        }
        return out;
    }

    /** Read a NUL-terminated ASCII string of at most {@code max} bytes at a physical address. */
    public String readString(long phys, int max) {
        LoadedSegment s = segmentAt(phys).orElseThrow(() -> new AssertionError(
                String.format("%s: no segment holds physical address %#x", source, phys)));
        int n = (int) Math.min(max, s.mem() + s.memsz() - phys);
        byte[] b = read(phys, n);
        int len = 0;
        while (len < b.length && b[len] != 0) {
            len++;
        }
        return new String(Arrays.copyOf(b, len), java.nio.charset.StandardCharsets.US_ASCII);
    }
}
