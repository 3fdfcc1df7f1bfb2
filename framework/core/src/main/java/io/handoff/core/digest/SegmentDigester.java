package io.handoff.core.digest;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the digests purgatory verifies: SHA-256 per chunk of each segment's data, hashed in parallel,
 * plus each segment's whole-data SHA-256.
 *
 * <p>File data (kernels, initrds) is memory-mapped read-only and never copied into the heap. The file is
 * mapped once: the chunk digests are computed by a fixed pool of {@code parallelism} threads while the
 * calling thread computes the whole-data digests sequentially over the very same mapped buffers. SHA-256
 * cannot be assembled from chunk digests, so the bytes are hashed twice, but both passes read the same
 * pages (the second from the page cache), so the file is read from disk once and the caller's pass overlaps
 * the pool's. The pool lives for one {@link #digest} call.
 *
 * <p>The zero tail ({@code memsz - bufsz}) is not hashed: it is recorded as offset and length, for
 * purgatory to compare with zero.
 */
public final class SegmentDigester {
    /** The default chunk size, 1 MiB. */
    public static final int DEFAULT_CHUNK_SIZE = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(SegmentDigester.class);
    /** Largest single mapping; a multiple of every power-of-two chunk size up to 1 GiB. */
    private static final long MAX_WINDOW = 1L << 30;

    private final int chunkSize;
    private final int parallelism;

    /**
     * Create a digester.
     *
     * @param chunkSize bytes per chunk, positive
     * @param parallelism threads hashing chunks, positive
     */
    public SegmentDigester(int chunkSize, int parallelism) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        }
        if (parallelism <= 0) {
            throw new IllegalArgumentException("parallelism must be positive: " + parallelism);
        }
        this.chunkSize = chunkSize;
        this.parallelism = parallelism;
    }

    /** Create a digester with 1 MiB chunks and one thread per available processor. */
    public SegmentDigester() {
        this(DEFAULT_CHUNK_SIZE, Runtime.getRuntime().availableProcessors());
    }

    /** Return the chunk size in bytes. */
    public int chunkSize() {
        return chunkSize;
    }

    /**
     * Digest the segments.
     *
     * @param segments the segments; each result's {@code index} is its position in this list
     * @return one digest per segment, in the same order
     * @throws HandoffException {@code UNREADABLE_FILE} naming the file when a file slice cannot be read
     */
    public List<SegmentDigest> digest(List<Segment> segments) {
        long started = System.nanoTime();
        List<List<ByteBuffer>> chunkBuffers = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            chunkBuffers.add(chunks(s));
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, new DigestThreads());
        try {
            List<List<Future<byte[]>>> pending = new ArrayList<>(segments.size());
            for (List<ByteBuffer> buffers : chunkBuffers) {
                List<Future<byte[]>> futures = new ArrayList<>(buffers.size());
                for (ByteBuffer chunk : buffers) {
                    ByteBuffer own = chunk.duplicate();
                    futures.add(pool.submit(() -> sha256(own)));
                }
                pending.add(futures);
            }
            List<SegmentDigest> out = new ArrayList<>(segments.size());
            for (int i = 0; i < segments.size(); i++) {
                Segment s = segments.get(i);
                MessageDigest whole = newSha256();
                for (ByteBuffer chunk : chunkBuffers.get(i)) {
                    whole.update(chunk.duplicate());
                }
                byte[] wholeDigest = whole.digest();
                List<ChunkDigest> chunks = new ArrayList<>(pending.get(i).size());
                long offset = 0;
                for (int c = 0; c < pending.get(i).size(); c++) {
                    long length = chunkBuffers.get(i).get(c).remaining();
                    chunks.add(new ChunkDigest(offset, length, await(pending.get(i).get(c))));
                    offset += length;
                }
                out.add(new SegmentDigest(i, s.role(), s.mem(), s.bufsz(), s.memsz(), wholeDigest, chunks,
                        s.bufsz(), s.memsz() - s.bufsz()));
            }
            LOG.debug("digested {} segments in {} ms ({} threads, {}-byte chunks)", segments.size(),
                    (System.nanoTime() - started) / 1_000_000, parallelism, chunkSize);
            return List.copyOf(out);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Return the segment's data cut into chunk-sized read-only buffers, without copying file data. */
    private List<ByteBuffer> chunks(Segment s) {
        SegmentData data = s.data();
        if (data instanceof SegmentData.Bytes bytes) {
            return slices(ByteBuffer.wrap(bytes.data()).asReadOnlyBuffer(), 0, bytes.data().length);
        }
        if (data instanceof SegmentData.FileSlice slice) {
            return mapFile(s.role(), slice);
        }
        return List.of(); // Zeros: no data, only a tail
    }

    private List<ByteBuffer> mapFile(String role, SegmentData.FileSlice slice) {
        List<ByteBuffer> out = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(slice.file(), StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (slice.offset() + slice.length() > fileSize) {
                throw new HandoffException(FailureKind.UNREADABLE_FILE, String.format(
                        "%s: %s data %#x+%#x ends past the end of the file (%#x bytes)", slice.file(), role,
                        slice.offset(), slice.length(), fileSize));
            }
            long window = MAX_WINDOW - MAX_WINDOW % chunkSize;
            for (long done = 0; done < slice.length(); done += window) {
                long length = Math.min(window, slice.length() - done);
                MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, slice.offset() + done, length);
                out.addAll(slices(mapped, 0, (int) length));
            }
            // the mappings stay valid after the channel is closed
            return out;
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, String.format("%s: cannot read %s data: %s",
                    slice.file(), role, e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                            : " " + e.getMessage())), e);
        }
    }

    private List<ByteBuffer> slices(ByteBuffer buffer, int from, int length) {
        List<ByteBuffer> out = new ArrayList<>((length + chunkSize - 1) / chunkSize);
        for (int offset = 0; offset < length; offset += chunkSize) {
            out.add(buffer.slice(from + offset, Math.min(chunkSize, length - offset)));
        }
        return out;
    }

    private static byte[] sha256(ByteBuffer data) {
        MessageDigest md = newSha256();
        md.update(data);
        return md.digest();
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static byte[] await(Future<byte[]> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HandoffException(FailureKind.INTERNAL, "interrupted while hashing segments", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HandoffException h) {
                throw h;
            }
            // a mapped file that shrank under us raises InternalError from the read
            throw new HandoffException(FailureKind.UNREADABLE_FILE, "reading segment data failed: " + cause, cause);
        }
    }

    /** Daemon threads, so a forgotten pool can never keep the JVM alive. */
    private static final class DigestThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "handoff-digest-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
