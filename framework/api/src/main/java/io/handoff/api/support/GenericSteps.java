package io.handoff.api.support;

import io.handoff.api.arch.StepKindDeclaration;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Typed builders of the purgatory steps a platform contributes: the generic memory moves and stops, and steps of the
 * platform's own architecture kinds.
 *
 * <p>The console and its lines are built by a {@link SerialConsole}. Every step built here is
 * {@link FailurePolicy#REQUIRED}: a move or a stop that fails leaves nothing to go on with.
 *
 * @since 0.2
 */
public final class GenericSteps {
    private GenericSteps() {
    }

    /**
     * Return a {@code copy} step: src, dst, length; {@code "copy WHAT: LENGTH bytes SRC -> DST"}.
     *
     * @param src the source address
     * @param dst the destination address
     * @param length the bytes copied
     * @param what what is copied, for the description, never {@code null}
     * @param rate the rate that bounds the step: its worst case is {@code rate.time(length)}
     */
    public static PurgatoryStep copy(long src, long dst, long length, String what, TransferRate rate) {
        return new PurgatoryStep("copy", FailurePolicy.REQUIRED, rate.time(length), List.of(src, dst, length),
                String.format("copy %s: %#x bytes %#x -> %#x", what, length, src, dst));
    }

    /**
     * Return a {@code swap} step: a, b, length; {@code "swap WHAT: LENGTH bytes A <-> B"}.
     *
     * @param a one range's address
     * @param b the other range's address
     * @param length the bytes of each range
     * @param what what is swapped, for the description, never {@code null}
     * @param rate the rate that bounds the step: its worst case is {@code rate.time(length)}
     */
    public static PurgatoryStep swap(long a, long b, long length, String what, TransferRate rate) {
        return new PurgatoryStep("swap", FailurePolicy.REQUIRED, rate.time(length), List.of(a, b, length),
                String.format("swap %s: %#x bytes %#x <-> %#x", what, length, a, b));
    }

    /**
     * Return a {@code write} step: bytes carried in the step written to physical memory (a crash marker, say).
     *
     * @param address where the bytes go
     * @param bytes at most 4096 bytes, never {@code null}
     * @param order the target's byte order (the bytes are packed for it), never {@code null}
     * @param what what is written, for the description, never {@code null}
     * @param rate the rate that bounds the step: its worst case is {@code rate.time(bytes.length)}
     */
    public static PurgatoryStep write(long address, byte[] bytes, java.nio.ByteOrder order, String what,
                                      TransferRate rate) {
        List<Long> operands = new java.util.ArrayList<>();
        operands.add(address);
        BytePayloads.append(operands, bytes, order);
        return new PurgatoryStep("write", FailurePolicy.REQUIRED, rate.time(bytes.length), operands,
                String.format("write %s: %d bytes at %#x", what, bytes.length, address));
    }

    /**
     * Return a {@code halt} step: the reason code; it never returns, so its worst case is zero.
     *
     * @param reason the code the runtime reports
     * @param description one line for plans and traces, never {@code null}
     */
    public static PurgatoryStep halt(long reason, String description) {
        return new PurgatoryStep("halt", FailurePolicy.REQUIRED, Duration.ZERO, List.of(reason), description);
    }

    /**
     * Return a {@code reset} step: the method; it never returns, so its worst case is zero.
     *
     * @param method how the runtime resets the machine
     * @param description one line for plans and traces, never {@code null}
     */
    public static PurgatoryStep reset(long method, String description) {
        return new PurgatoryStep("reset", FailurePolicy.REQUIRED, Duration.ZERO, List.of(method), description);
    }

    /**
     * Return a required step of one of the platform's architecture kinds, its worst case the declaration's.
     *
     * @param kind the declared kind, never {@code null}
     * @param operands the operands, as the declaration checks them
     * @param description one line for plans and traces, never {@code null}
     * @throws IllegalArgumentException when the declaration refuses the operands
     */
    public static PurgatoryStep architecture(StepKindDeclaration kind, List<Long> operands, String description) {
        return architecture(kind, FailurePolicy.REQUIRED, operands, description);
    }

    /**
     * Return a step of one of the platform's architecture kinds with a policy, its worst case the declaration's.
     *
     * @param kind the declared kind, never {@code null}
     * @param policy what a failure of the step means, never {@code null}
     * @param operands the operands, as the declaration checks them
     * @param description one line for plans and traces, never {@code null}
     * @throws IllegalArgumentException when the declaration refuses the operands
     */
    public static PurgatoryStep architecture(StepKindDeclaration kind, FailurePolicy policy, List<Long> operands,
                                             String description) {
        Objects.requireNonNull(kind, "kind");
        List<Long> ops = List.copyOf(operands);
        kind.checkOperands(ops).ifPresent(problem -> {
            throw new IllegalArgumentException("step kind " + kind.id() + ": " + problem);
        });
        return new PurgatoryStep(kind.id(), policy, kind.worstCase(ops), ops, description);
    }
}
