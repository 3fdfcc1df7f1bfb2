package io.handoff.core.purgatory;

import io.handoff.core.digest.SegmentDigest;
import java.util.List;

/**
 * The operands of the {@code verify-digests} step: the chunk size the digester used and the digests of every
 * segment purgatory checks (all but purgatory's own).
 *
 * @param chunkSize bytes per chunk, positive
 * @param segments the segments' digests, in the order purgatory checks them
 * @since 0.1
 */
public record DigestTable(long chunkSize, List<SegmentDigest> segments) {
    public DigestTable {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        }
        segments = List.copyOf(segments);
    }

    /** Return the number of chunk digests over all segments. */
    public int chunkCount() {
        return segments.stream().mapToInt(s -> s.chunks().size()).sum();
    }
}
