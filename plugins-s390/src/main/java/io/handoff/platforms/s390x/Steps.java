package io.handoff.platforms.s390x;

import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The s390x purgatory steps (FORMAT.md §3 and §8) and their worst cases.
 *
 * <p>Bounds: a swap or copy at {@link #COPY_RATE} for every byte read and written (a swap reads and writes both
 * ranges); a PSW load or disabled wait nothing (they end purgatory); a dump re-IPL {@link #REIPL_BOUND}, a bound
 * assumed for the diag 308 SET and up to 8 LOAD_NORMAL_DUMP answers (Linux waits 1 s between busy answers; the
 * runtime asks again at once).
 */
final class Steps {
    /** The bytes per second moved by purgatory's loop, read and write each counted: well below s390 memory bandwidth. */
    static final long COPY_RATE = 200_000_000L;
    /** The assumed worst case of a dump re-IPL that fails. */
    static final Duration REIPL_BOUND = Duration.ofSeconds(1);
    /** The kdump PSW mask: 64-bit addressing (EA and BA), no interrupts, no DAT. */
    static final long PSW_MASK_64 = 0x0000000180000000L;
    /**
     * The PSW mask of the normal entry: 31-bit addressing (BA), no interrupts, no DAT: the mode an IPL and the
     * kernel's own kexec (a short PSW after diag 308) start the image at 0x10000 in; its code switches to 64-bit.
     */
    static final long PSW_MASK_31 = 0x0000000080000000L;

    private Steps() {
    }

    static PurgatoryStep swap(long a, long b, long length, String what) {
        return new PurgatoryStep("swap", FailurePolicy.REQUIRED, moveTime(4 * length), List.of(a, b, length),
                String.format("swap %s: %#x bytes %#x <-> %#x", what, length, a, b));
    }

    static PurgatoryStep copy(long src, long dst, long length, String what) {
        return new PurgatoryStep("copy", FailurePolicy.REQUIRED, moveTime(2 * length), List.of(src, dst, length),
                String.format("copy %s: %#x bytes %#x -> %#x", what, length, src, dst));
    }

    static PurgatoryStep loadPsw(long mask, long address, String what) {
        return new PurgatoryStep("load-psw", FailurePolicy.REQUIRED, Duration.ZERO, List.of(mask, address),
                String.format("load the PSW %#018x %#x: %s", mask, address, what));
    }

    static PurgatoryStep disabledWait(long code, String why) {
        return new PurgatoryStep("disabled-wait", FailurePolicy.REQUIRED, Duration.ZERO, List.of(code),
                String.format("disabled wait with code %#x: %s", code, why));
    }

    static PurgatoryStep dumpReipl(byte[] block, String what) {
        return new PurgatoryStep("dump-reipl", FailurePolicy.REQUIRED, REIPL_BOUND, packBytes(block),
                "dump re-IPL (diag 308) from " + what);
    }

    /**
     * Return the bytes as a FORMAT.md byte payload for a big-endian target: the length, then 8 bytes per u64,
     * byte i of a word in bits 56-8i..63-8i, the last word zero-padded.
     */
    static List<Long> packBytes(byte[] bytes) {
        List<Long> out = new ArrayList<>(1 + (bytes.length + 7) / 8);
        out.add((long) bytes.length);
        ByteBuffer padded = ByteBuffer.allocate((bytes.length + 7) & -8).order(ByteOrder.BIG_ENDIAN).put(bytes);
        padded.flip();
        padded.limit(padded.capacity());
        while (padded.hasRemaining()) {
            out.add(padded.getLong());
        }
        return out;
    }

    /** Return the time to move the bytes at {@link #COPY_RATE}, rounded up to a microsecond. */
    static Duration moveTime(long bytes) {
        return Duration.of((bytes * 1_000_000 + COPY_RATE - 1) / COPY_RATE, ChronoUnit.MICROS);
    }
}
