package io.handoff.platforms.s390x;

import io.handoff.api.support.TransferRate;
import java.time.Duration;

/**
 * The s390x constants of the purgatory program (FORMAT.md §3 and §8): the move rates, the re-IPL bound and the PSW
 * masks; the steps are built with {@code io.handoff.api.support} and {@link S390xSteps}.
 *
 * <p>Bounds: a swap or copy at {@link #COPY_RATE} for every byte read and written (a swap reads and writes both
 * ranges); a PSW load or disabled wait nothing (they end purgatory); a dump re-IPL {@link #REIPL_BOUND}, a bound
 * assumed for the diag 308 SET and up to 8 LOAD_NORMAL_DUMP answers (Linux waits 1 s between busy answers; the
 * runtime asks again at once).
 */
final class Steps {
    /** The bytes per second moved by purgatory's loop, read and write each counted: well below s390 memory bandwidth. */
    static final long COPY_RATE = 200_000_000L;
    /** The rate of a copy step: each byte read and written at {@link #COPY_RATE}. */
    static final TransferRate COPY = new TransferRate(COPY_RATE / 2);
    /** The rate of a swap step: each byte of both ranges read and written at {@link #COPY_RATE}. */
    static final TransferRate SWAP = new TransferRate(COPY_RATE / 4);
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
}
