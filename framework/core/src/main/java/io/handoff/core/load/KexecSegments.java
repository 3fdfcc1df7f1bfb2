package io.handoff.core.load;

import io.handoff.core.plan.HandoffImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.IntToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The {@code struct kexec_segment} array: built from a plan, encoded for the syscall, described for people.
 *
 * <p>On a 64-bit Linux the structure is four machine words: {@code void *buf; size_t bufsz; unsigned long
 * mem; size_t memsz;} (32 bytes).
 */
public final class KexecSegments {
    /** Bytes of one {@code struct kexec_segment} on a 64-bit kernel. */
    public static final int STRUCT_SIZE = 32;

    private KexecSegments() {
    }

    /** Return the segments of a plan, in the plan's (address) order. */
    public static List<KexecSegment> of(HandoffImage image) {
        return image.segments().stream().map(KexecSegment::of).toList();
    }

    /**
     * Encode the array in the host's byte order.
     *
     * @param segments the entries
     * @param bufferAddress the user-space address of entry {@code i}'s bytes (0 when it has none)
     * @return {@code segments.size() * 32} bytes
     */
    public static byte[] encode(List<KexecSegment> segments, IntToLongFunction bufferAddress) {
        ByteBuffer out = ByteBuffer.allocate(segments.size() * STRUCT_SIZE).order(ByteOrder.nativeOrder());
        for (int i = 0; i < segments.size(); i++) {
            KexecSegment s = segments.get(i);
            out.putLong(s.bufsz() == 0 ? 0 : bufferAddress.applyAsLong(i)).putLong(s.bufsz())
                    .putLong(s.mem()).putLong(s.memsz());
        }
        return out.array();
    }

    /** Return the table on one line, as error messages show it: {@code #0 kernel mem=0x… memsz=0x… bufsz=0x…; …}. */
    public static String table(List<KexecSegment> segments) {
        if (segments.isEmpty()) {
            return "no segments";
        }
        return IntStream.range(0, segments.size()).mapToObj(i -> {
            KexecSegment s = segments.get(i);
            return String.format("#%d %s mem=0x%x memsz=0x%x bufsz=0x%x", i, s.role(), s.mem(), s.memsz(), s.bufsz());
        }).collect(Collectors.joining("; "));
    }
}
