package io.handoff.core.digest;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the digests purgatory verifies: SHA-256 per chunk of each segment's data, hashed in parallel,
 * plus each segment's whole-data SHA-256.
 *
 * <p>File data (kernels, initrds) is streamed: read once, chunk by chunk, into a fixed set of
 * {@code 2 * parallelism + 2} direct buffers, never mapped whole nor held in the heap, so memory stays bounded
 * (a 160 MiB initrd costs a few MiB, not 160). A fixed pool of {@code parallelism} threads computes the chunk
 * digests while the calling thread computes the whole-data digest over the very same buffer. SHA-256 cannot
 * be assembled from chunk digests, so the bytes are hashed twice, but the caller's pass overlaps the pool's.
 * The pool lives for one {@link #digest} call.
 *
 * <p>The zero tail ({@code memsz - bufsz}) is not hashed: it is recorded as offset and length, for
 * purgatory to compare with zero.
 */
public final class SegmentDigester {
    /** The default chunk size, 1 MiB. */
    public static final int DEFAULT_CHUNK_SIZE = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(SegmentDigester.class);
    private static final AtomicLong TOTAL_NANOS = new AtomicLong();

    private final int chunkSize;
    private final int parallelism;
    private final DigestProgress progress;

    /**
     * Create a digester.
     *
     * @param chunkSize bytes per chunk, positive
     * @param parallelism threads hashing chunks, positive
     */
    public SegmentDigester(int chunkSize, int parallelism) {
        this(chunkSize, parallelism, DigestProgress.NONE);
    }

    /**
     * Create a digester that reports how far it has read each file.
     *
     * @param chunkSize bytes per chunk, positive
     * @param parallelism threads hashing chunks, positive
     * @param progress hears each chunk read from a file
     */
    public SegmentDigester(int chunkSize, int parallelism, DigestProgress progress) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        }
        if (parallelism <= 0) {
            throw new IllegalArgumentException("parallelism must be positive: " + parallelism);
        }
        this.chunkSize = chunkSize;
        this.parallelism = parallelism;
        this.progress = java.util.Objects.requireNonNull(progress, "progress");
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
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, new DigestThreads());
        // file data passes through this many chunk buffers, so memory stays bounded whatever the file's size
        BufferPool buffers = new BufferPool(2 * parallelism + 2, chunkSize);
        try {
            List<SegmentDigest> out = new ArrayList<>(segments.size());
            for (int i = 0; i < segments.size(); i++) {
                Segment s = segments.get(i);
                MessageDigest whole = newSha256();
                List<Future<byte[]>> pending = new ArrayList<>();
                List<Long> lengths = new ArrayList<>();
                SegmentData data = s.data();
                if (data instanceof SegmentData.Bytes bytes) {
                    ByteBuffer all = ByteBuffer.wrap(bytes.data()).asReadOnlyBuffer();
                    for (ByteBuffer chunk : slices(all, 0, bytes.data().length)) {
                        ByteBuffer own = chunk.duplicate();
                        pending.add(pool.submit(() -> sha256(own)));
                        lengths.add((long) chunk.remaining());
                        whole.update(chunk);
                    }
                } else if (data instanceof SegmentData.FileSlice slice) {
                    streamFile(s.role(), slice, pool, buffers, whole, pending, lengths);
                }
                byte[] wholeDigest = whole.digest();
                List<ChunkDigest> chunks = new ArrayList<>(pending.size());
                long offset = 0;
                for (int c = 0; c < pending.size(); c++) {
                    chunks.add(new ChunkDigest(offset, lengths.get(c), await(pending.get(c))));
                    offset += lengths.get(c);
                }
                out.add(new SegmentDigest(i, s.role(), s.mem(), s.bufsz(), s.memsz(), wholeDigest, chunks,
                        s.bufsz(), s.memsz() - s.bufsz()));
            }
            long took = System.nanoTime() - started;
            TOTAL_NANOS.addAndGet(took);
            LOG.debug("digested {} segments in {} ms ({} threads, {}-byte chunks)", segments.size(),
                    took / 1_000_000, parallelism, chunkSize);
            return List.copyOf(out);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Return the time this JVM has spent in {@link #digest}, in nanoseconds (the launcher's startup profile shows
     * it).
     */
    public static long totalNanos() {
        return TOTAL_NANOS.get();
    }

    /**
     * Read a file slice once, chunk by chunk: the pool hashes each chunk while this thread feeds the same buffer
     * to the whole-data digest; a buffer goes back to the pool when both are done with it.
     */
    private void streamFile(String role, SegmentData.FileSlice slice, ExecutorService pool, BufferPool buffers,
            MessageDigest whole, List<Future<byte[]>> pending, List<Long> lengths) {
        try (FileChannel channel = FileChannel.open(slice.file(), StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (slice.offset() + slice.length() > fileSize) {
                throw new HandoffException(FailureKind.UNREADABLE_FILE, String.format(
                        "%s: %s data %#x+%#x ends past the end of the file (%#x bytes)", slice.file(), role,
                        slice.offset(), slice.length(), fileSize));
            }
            for (long done = 0; done < slice.length(); ) {
                int length = (int) Math.min(chunkSize, slice.length() - done);
                ByteBuffer buffer = buffers.take();
                buffer.clear().limit(length);
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, slice.offset() + done + buffer.position()) < 0) {
                        buffers.give(buffer);
                        throw new HandoffException(FailureKind.UNREADABLE_FILE, String.format(
                                "%s: %s data ends early: the file is %#x bytes now, the plan needs %#x", slice.file(),
                                role, slice.offset() + done + buffer.position(), slice.offset() + slice.length()));
                    }
                }
                buffer.flip();
                AtomicInteger users = new AtomicInteger(2);
                ByteBuffer own = buffer.duplicate();
                pending.add(pool.submit(() -> {
                    try {
                        return sha256(own);
                    } finally {
                        if (users.decrementAndGet() == 0) {
                            buffers.give(buffer);
                        }
                    }
                }));
                lengths.add((long) length);
                whole.update(buffer.duplicate());
                if (users.decrementAndGet() == 0) {
                    buffers.give(buffer);
                }
                done += length;
                progress.hashed(role, slice.file(), done, slice.length());
            }
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

    /** A fixed set of direct chunk buffers, allocated on first use; {@link #take} waits for a free one. */
    private static final class BufferPool {
        private final BlockingQueue<ByteBuffer> free;
        private final int capacity;
        private final int size;
        private int allocated;

        BufferPool(int capacity, int size) {
            this.free = new ArrayBlockingQueue<>(capacity);
            this.capacity = capacity;
            this.size = size;
        }

        ByteBuffer take() {
            ByteBuffer b = free.poll();
            if (b != null) {
                return b;
            }
            if (allocated < capacity) {
                allocated++;
                return ByteBuffer.allocateDirect(size);
            }
            try {
                return free.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HandoffException(FailureKind.INTERNAL, "interrupted while hashing segments", e);
            }
        }

        void give(ByteBuffer b) {
            free.offer(b);
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
