package io.handoff.core.purgatory;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.core.digest.ChunkDigest;
import io.handoff.core.digest.SegmentDigest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Encodes a {@link StepProgram} as the parameter area of {@code framework/purgatory/FORMAT.md} §2–3, in the
 * target's byte order.
 *
 * <p>Operands are the step's {@code operands()} as u64s, except for {@code print}, whose text is the step's
 * description, and {@code verify-digests}, whose operands come from the program's {@link DigestTable}.
 * {@code ipmi-request} and {@code cpu-ip-records} are variable-length lists of plain u64s: their byte payloads
 * are already packed for the target's order (FORMAT.md §7), so only their shape is checked here. A
 * step the runtime would misread (an unknown kind, the wrong number of operands) is a bug of whoever built
 * it, so it fails with {@code INTERNAL} before anything is written.
 *
 * @since 0.1
 */
public final class StepEncoder {
    /** The parameter area's magic, "HOPP" in little-endian byte order. */
    public static final int AREA_MAGIC = 0x50504F48;
    /** The parameter area's format version. */
    public static final int AREA_VERSION = 1;
    /** The size of the parameter area's header; the main steps start right after it. */
    public static final int AREA_HEADER_SIZE = 0x30;
    /** The size of a step record's header; the operands start right after it. */
    public static final int STEP_HEADER_SIZE = 0x10;
    /** The step flag: a failure runs the fallback steps. */
    public static final int FLAG_REQUIRED = 1;
    /** The flag of a step that runs only when the step before it succeeded ({@code AFTER_SUCCESS}). */
    public static final int FLAG_AFTER_SUCCESS = 2;
    /** The size of one SHA-256 digest. */
    public static final int DIGEST_SIZE = 32;

    private StepEncoder() {
    }

    /**
     * Encode a program.
     *
     * @param program the program
     * @param order the target's byte order
     * @param iterationCap the default iteration cap of every bounded wait
     * @return the parameter area, {@code total_length} bytes
     * @throws HandoffException {@code INTERNAL} for a step the runtime cannot read
     */
    public static byte[] encode(StepProgram program, ByteOrder order, long iterationCap) {
        return encode(program, order, iterationCap, StepKinds.GENERIC);
    }

    /**
     * Encode a program whose steps may be of the platform's architecture kinds.
     *
     * @param program the program
     * @param order the target's byte order
     * @param iterationCap the default iteration cap of every bounded wait
     * @param kinds the platform's vocabulary
     * @return the parameter area, {@code total_length} bytes
     * @throws HandoffException {@code INTERNAL} for a step the runtime cannot read
     */
    public static byte[] encode(StepProgram program, ByteOrder order, long iterationCap, StepKinds kinds) {
        if (program.steps().size() > 0xFFFF) {
            throw new HandoffException(FailureKind.INTERNAL, "purgatory program: " + program.steps().size()
                    + " main steps, the parameter area counts at most 65535");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < program.steps().size(); i++) {
            body.writeBytes(step(program, program.steps().get(i), "main", i, order, kinds));
        }
        int fallbackOffset = AREA_HEADER_SIZE + body.size();
        for (int i = 0; i < program.fallback().size(); i++) {
            body.writeBytes(step(program, program.fallback().get(i), "fallback", i, order, kinds));
        }
        int total = AREA_HEADER_SIZE + body.size();
        ByteBuffer header = ByteBuffer.allocate(AREA_HEADER_SIZE).order(order);
        header.putInt(AREA_MAGIC)
                .putShort((short) AREA_VERSION)
                .putShort((short) program.steps().size())
                .putInt(AREA_HEADER_SIZE)
                .putInt(program.fallback().size())
                .putInt(fallbackOffset)
                .putInt(total)
                .putLong(micros(program.worstCase()))
                .putLong(iterationCap)
                .putLong(0);
        byte[] out = Arrays.copyOf(header.array(), total);
        System.arraycopy(body.toByteArray(), 0, out, AREA_HEADER_SIZE, body.size());
        return out;
    }

    /** Return a duration in microseconds, rounded up: a bound must never shrink. */
    public static long micros(Duration d) {
        long us = Math.multiplyExact(d.getSeconds(), 1_000_000L);
        return Math.addExact(us, (d.getNano() + 999) / 1000);
    }

    private static byte[] step(StepProgram program, PurgatoryStep step, String list, int index, ByteOrder order,
                               StepKinds kinds) {
        StepKinds.Kind kind = kinds.byId(step.kind()).orElseThrow(() -> bad(step, list, index,
                "unknown step kind; known: " + kinds.ids()));
        byte[] operands;
        if (kind.declared().isPresent()) {
            kind.declared().get().checkOperands(step.operands()).ifPresent(problem -> {
                throw bad(step, list, index, problem);
            });
            operands = longs(step.operands(), order);
        } else {
            GenericStep generic = kind.generic().orElseThrow();
            operands = switch (generic) {
                case PRINT -> {
                    requireNoOperands(step, list, index, "its text is the description");
                    yield text(step.description(), order);
                }
                case VERIFY_DIGESTS -> {
                    requireNoOperands(step, list, index, "the framework builds them from the digests");
                    yield digests(program.digests().orElseThrow(() -> bad(step, list, index,
                            "the program has no digest table")), order);
                }
                case WRITE -> {
                    writeShape(step.operands()).ifPresent(problem -> {
                        throw bad(step, list, index, problem);
                    });
                    yield longs(step.operands(), order);
                }
                case IPMI_REQUEST, CPU_IP_RECORDS -> {
                    lastWordsShape(generic, step.operands()).ifPresent(problem -> {
                        throw bad(step, list, index, problem);
                    });
                    yield longs(step.operands(), order);
                }
                default -> {
                    if (step.operands().size() != generic.operandCount()) {
                        throw bad(step, list, index, String.format("takes %d operands, got %d",
                                generic.operandCount(), step.operands().size()));
                    }
                    yield longs(step.operands(), order);
                }
            };
        }
        int length = STEP_HEADER_SIZE + operands.length;
        ByteBuffer b = ByteBuffer.allocate(length).order(order);
        b.putShort((short) kind.code())
                .putShort((short) flags(step.policy()))
                .putInt(length)
                .putLong(micros(step.worstCase()))
                .put(operands);
        return b.array();
    }

    /** Return the record's flags for a failure policy (FORMAT.md §3). */
    static int flags(PurgatoryStep.FailurePolicy policy) {
        return switch (policy) {
            case REQUIRED -> FLAG_REQUIRED;
            case BEST_EFFORT -> 0;
            case AFTER_SUCCESS -> FLAG_AFTER_SUCCESS;
        };
    }

    /** The transport operands every last-words step starts with: ports, wait_us, retries, deadline_us. */
    static final int TRANSPORT_OPERANDS = 5;

    /** Return what is wrong with a {@code write} step's operands: an address, a length, then the packed bytes. */
    static Optional<String> writeShape(List<Long> ops) {
        if (ops.size() < 2) {
            return Optional.of("takes an address and a byte payload, got " + ops.size() + " operands");
        }
        long n = ops.get(1);
        if (n < 0 || n > MAX_WRITE_BYTES || ops.size() != 2 + (n + 7) / 8) {
            return Optional.of(String.format("payload of %d bytes does not match its %d operands (at most %d bytes)",
                    n, ops.size(), MAX_WRITE_BYTES));
        }
        return Optional.empty();
    }

    /** The most bytes one {@code write} step carries. */
    static final int MAX_WRITE_BYTES = 4096;

    /** Return what is wrong with the shape of an {@code ipmi-request} or {@code cpu-ip-records} operand list. */
    static Optional<String> lastWordsShape(GenericStep kind, List<Long> ops) {
        int t = TRANSPORT_OPERANDS;
        if (kind == GenericStep.CPU_IP_RECORDS) {
            if (ops.size() < t + 3) {
                return Optional.of("takes at least " + (t + 3) + " operands (transport, flags, instruction pointer "
                        + "offset, CPU count), got " + ops.size());
            }
            long cpus = ops.get(t + 2);
            if (cpus < 0 || cpus > 0xFFFF || ops.size() != t + 3 + 2 * cpus) {
                return Optional.of(String.format("CPU count %d does not match its %d operands", cpus, ops.size()));
            }
            return Optional.empty();
        }
        if (ops.size() < t + 1) {
            return Optional.of("takes the " + t + " transport operands and a request, got " + ops.size() + " operands");
        }
        long n = ops.get(t);
        if (n < 2 || n > 40) {
            return Optional.of("request length " + n + " is outside 2..40");
        }
        int labelAt = t + 1 + (int) ((n + 7) / 8);
        if (labelAt >= ops.size()) {
            return Optional.of("no label after the request");
        }
        long l = ops.get(labelAt);
        if (l < 1 || l > 64) {
            return Optional.of("label length " + l + " is outside 1..64");
        }
        int end = labelAt + 1 + (int) ((l + 7) / 8);
        if (end != ops.size()) {
            return Optional.of(String.format("request and label take %d operands, got %d", end, ops.size()));
        }
        return Optional.empty();
    }

    private static void requireNoOperands(PurgatoryStep step, String list, int index, String why) {
        if (!step.operands().isEmpty()) {
            throw bad(step, list, index, "takes no operands (" + why + "), got " + step.operands().size());
        }
    }

    private static byte[] longs(List<Long> values, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(values.size() * 8).order(order);
        values.forEach(b::putLong);
        return b.array();
    }

    private static byte[] text(String text, ByteOrder order) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + pad8(bytes.length)).order(order);
        b.putLong(bytes.length).put(bytes);
        return b.array();
    }

    private static byte[] digests(DigestTable table, ByteOrder order) {
        int size = 16;
        for (SegmentDigest s : table.segments()) {
            size += 32 + s.chunks().size() * DIGEST_SIZE;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putLong(table.chunkSize()).putLong(table.segments().size());
        for (SegmentDigest s : table.segments()) {
            b.putLong(s.mem()).putLong(s.bufsz()).putLong(s.memsz()).putLong(s.chunks().size());
            for (ChunkDigest c : s.chunks()) {
                b.put(c.sha256()); // digests are byte strings: no byte order
            }
        }
        return b.array();
    }

    static int pad8(int n) {
        return (n + 7) & -8;
    }

    private static HandoffException bad(PurgatoryStep step, String list, int index, String problem) {
        return new HandoffException(FailureKind.INTERNAL, String.format(
                "purgatory program: %s step %d (%s, \"%s\"): %s", list, index + 1, step.kind(), step.description(),
                problem));
    }
}
