package io.handoff.core.purgatory;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decodes a parameter area written by {@link StepEncoder} back into steps, for tests and for {@code plan.txt}:
 * what the listing shows is what the runtime will read, not what the planner meant to write.
 *
 * @since 0.1
 */
public final class StepDecoder {
    private StepDecoder() {
    }

    /** A decoded program. */
    public record Program(int version, long budgetUs, long iterationCap, long totalLength, List<Step> steps,
                          List<Step> fallback) {
        public Program {
            steps = List.copyOf(steps);
            fallback = List.copyOf(fallback);
        }

        /** Return the program as indented lines, one per step (verify-digests adds one per segment). */
        public List<String> listing() {
            List<String> lines = new ArrayList<>();
            lines.add(String.format("program v%d: %d steps, %d fallback steps, %d bytes, budget %d us, iteration cap %d",
                    version, steps.size(), fallback.size(), totalLength, budgetUs, iterationCap));
            list(lines, "main", steps);
            list(lines, "fallback", fallback);
            return lines;
        }

        private static void list(List<String> lines, String name, List<Step> steps) {
            for (int i = 0; i < steps.size(); i++) {
                Step s = steps.get(i);
                lines.add(String.format("%-8s %2d %-14s %-11s <= %d us  %s", name, i + 1, s.name(),
                        s.policyName(), s.worstCaseUs(), s.summary()));
                for (Segment seg : s.segments()) {
                    lines.add(String.format("%28s segment mem %#x bufsz %#x memsz %#x, %d chunks%s", "", seg.mem(),
                            seg.bufsz(), seg.memsz(), seg.chunkSha256().size(), seg.chunkSha256().isEmpty() ? ""
                                    : ", first " + seg.chunkSha256().get(0).substring(0, 16) + "…"));
                }
            }
        }
    }

    /**
     * A decoded step.
     *
     * @param kind the kind number
     * @param name the kind's id, or {@code unknown-N}
     * @param required whether the REQUIRED flag is set
     * @param afterSuccess whether the AFTER_SUCCESS flag is set (runs only when the step before succeeded)
     * @param worstCaseUs the declared bound
     * @param operands the fixed u64 operands (for {@code verify-digests}: chunk size and segment count; for
     *     {@code print}: the text length)
     * @param text the text of a {@code print} step, the label of an {@code ipmi-request} step, else empty
     * @param segments the segments of a {@code verify-digests} step, else empty
     * @param request the request bytes of an {@code ipmi-request} step in wire order, as upper-case hex pairs
     *     ({@code 18 22}), else empty
     * @param summary the operands as a person reads them (an architecture kind's from its declaration)
     */
    public record Step(int kind, String name, boolean required, boolean afterSuccess, long worstCaseUs,
                       List<Long> operands, String text, List<Segment> segments, String request, String summary) {
        /** Return the failure policy as plan.txt and traces name it: required, best-effort or after-success. */
        public String policyName() {
            return required ? "required" : afterSuccess ? "after-success" : "best-effort";
        }

        public Step {
            operands = List.copyOf(operands);
            segments = List.copyOf(segments);
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(summary, "summary");
        }

        private static Step of(int kind, StepKinds kinds, boolean required, boolean afterSuccess, long worstCaseUs,
                               List<Long> operands, String text, List<Segment> segments, String request) {
            Optional<StepKinds.Kind> k = kinds.byCode(kind);
            String name = k.map(StepKinds.Kind::id).orElse("unknown-" + kind);
            String summary = k.flatMap(StepKinds.Kind::declared).map(d -> d.summary(operands))
                    .orElseGet(() -> generic(name, operands, text, segments, request));
            return new Step(kind, name, required, afterSuccess, worstCaseUs, operands, text, segments, request, summary);
        }

        /** Return a generic step's operands as a person reads them. */
        private static String generic(String name, List<Long> operands, String text, List<Segment> segments,
                                      String request) {
            boolean wellFormed = GenericStep.ofId(name)
                    .map(k -> k.operandCount() < 0 || k.operandCount() == operands.size()).orElse(false);
            if (!wellFormed) {
                return operands.stream().map(v -> String.format("%#x", v)).collect(Collectors.joining(" "));
            }
            return switch (name) {
                case "console" -> String.format("uart %#x, divisor %d", operands.get(0), operands.get(1));
                case "print" -> "\"" + text + "\"";
                case "verify-digests" -> String.format("chunk size %#x, %d segments, %d chunks", operands.get(0),
                        operands.get(1), segments.stream().mapToInt(s -> s.chunkSha256().size()).sum());
                case "copy" -> String.format("%#x bytes %#x -> %#x", operands.get(2), operands.get(0), operands.get(1));
                case "swap" -> String.format("%#x bytes %#x <-> %#x", operands.get(2), operands.get(0), operands.get(1));
                case "rtc" -> String.format("index port %#x, data port %#x", operands.get(0), operands.get(1));
                case "ipmi-request" -> request.isEmpty() ? hex(operands) : String.format(
                        "\"%s\": request %s, %s", text, request, transport(operands));
                case "cpu-ip-records" -> cpuIp(operands);
                case "halt" -> "reason " + operands.get(0);
                case "reset" -> "method " + operands.get(0);
                case "write" -> request.isEmpty() ? hex(operands)
                        : String.format("%d bytes at %#x: %s", operands.get(1), operands.get(0), request);
                default -> operands.stream().map(v -> String.format("%#x", v)).collect(Collectors.joining(" "));
            };
        }

        private static String hex(List<Long> operands) {
            return operands.stream().map(v -> String.format("%#x", v)).collect(Collectors.joining(" "));
        }

        private static String transport(List<Long> ops) {
            return String.format("kcs %#x/%#x, attempt %d us, %d retries, last-words deadline %d us", ops.get(0),
                    ops.get(1), ops.get(2), ops.get(3), ops.get(4));
        }

        private static String cpuIp(List<Long> ops) {
            if (StepEncoder.lastWordsShape(GenericStep.CPU_IP_RECORDS, ops).isPresent()) {
                return hex(ops);
            }
            int t = StepEncoder.TRANSPORT_OPERANDS;
            long flags = ops.get(t);
            String outputs = (flags & 3) == 3 ? "console and SEL" : (flags & 1) != 0 ? "console"
                    : (flags & 2) != 0 ? "SEL" : "nowhere";
            StringBuilder notes = new StringBuilder();
            for (int i = 0; i < ops.get(t + 2); i++) {
                notes.append(i == 0 ? "" : ", ").append(String.format("cpu %d %#x+%d", i, ops.get(t + 3 + 2 * i),
                        ops.get(t + 4 + 2 * i)));
            }
            return String.format("to %s, ip at NT_PRSTATUS desc + %#x, %d CPUs (%s), %s", outputs, ops.get(t + 1),
                    ops.get(t + 2), notes, transport(ops));
        }

    }

    /**
     * A segment of a decoded {@code verify-digests} step.
     *
     * @param mem physical base
     * @param bufsz bytes of data
     * @param memsz bytes in memory
     * @param chunkSha256 the chunk digests in lower-case hex
     */
    public record Segment(long mem, long bufsz, long memsz, List<String> chunkSha256) {
        public Segment {
            chunkSha256 = List.copyOf(chunkSha256);
        }
    }

    /**
     * Decode a parameter area.
     *
     * @param area the parameter area (at least {@code total_length} bytes)
     * @param order the target's byte order
     * @return the program
     * @throws HandoffException {@code INTERNAL} naming the offset when the area is malformed
     */
    public static Program decode(byte[] area, ByteOrder order) {
        return decode(area, order, StepKinds.GENERIC);
    }

    /**
     * Decode a parameter area whose steps may be of the platform's architecture kinds.
     *
     * @param area the parameter area (at least {@code total_length} bytes)
     * @param order the target's byte order
     * @param kinds the platform's vocabulary
     * @return the program
     * @throws HandoffException {@code INTERNAL} naming the offset when the area is malformed
     */
    public static Program decode(byte[] area, ByteOrder order, StepKinds kinds) {
        ByteBuffer b = ByteBuffer.wrap(area).order(order);
        need(area, 0, StepEncoder.AREA_HEADER_SIZE, "parameter area header");
        int magic = b.getInt(0);
        if (magic != StepEncoder.AREA_MAGIC) {
            throw bad(0, String.format("magic %#010x, expected %#010x", magic, StepEncoder.AREA_MAGIC));
        }
        int version = Short.toUnsignedInt(b.getShort(4));
        int count = Short.toUnsignedInt(b.getShort(6));
        long stepsOffset = Integer.toUnsignedLong(b.getInt(8));
        long fallbackCount = Integer.toUnsignedLong(b.getInt(12));
        long fallbackOffset = Integer.toUnsignedLong(b.getInt(16));
        long total = Integer.toUnsignedLong(b.getInt(20));
        if (total > area.length) {
            throw bad(20, String.format("total_length %#x is past the end of the area (%#x bytes)", total, area.length));
        }
        List<Step> steps = steps(b, stepsOffset, count, total, kinds);
        List<Step> fallback = steps(b, fallbackOffset, fallbackCount, total, kinds);
        return new Program(version, b.getLong(24), b.getLong(32), total, steps, fallback);
    }

    private static List<Step> steps(ByteBuffer b, long offset, long count, long total, StepKinds kinds) {
        List<Step> out = new ArrayList<>();
        long at = offset;
        for (long i = 0; i < count; i++) {
            if (at + StepEncoder.STEP_HEADER_SIZE > total) {
                throw bad(at, "step header runs past total_length " + total);
            }
            int pos = (int) at;
            int kind = Short.toUnsignedInt(b.getShort(pos));
            int flags = Short.toUnsignedInt(b.getShort(pos + 2));
            long length = Integer.toUnsignedLong(b.getInt(pos + 4));
            if (length < StepEncoder.STEP_HEADER_SIZE || length % 8 != 0 || at + length > total) {
                throw bad(pos + 4, String.format("step length %#x is not a multiple of 8 inside total_length %#x",
                        length, total));
            }
            out.add(step(b, kind, (flags & StepEncoder.FLAG_REQUIRED) != 0,
                    (flags & StepEncoder.FLAG_AFTER_SUCCESS) != 0, b.getLong(pos + 8),
                    pos + StepEncoder.STEP_HEADER_SIZE, pos + (int) length, kinds));
            at += length;
        }
        return out;
    }

    private static Step step(ByteBuffer b, int kind, boolean required, boolean afterSuccess, long worstCaseUs,
                             int from, int end, StepKinds kinds) {
        List<Long> operands = new ArrayList<>();
        if (kind == GenericStep.PRINT.code()) {
            if (from + 8 > end) {
                throw bad(from, "print step has no text length");
            }
            long n = b.getLong(from);
            if (n < 0 || n > end - from - 8) {
                throw bad(from, "print text of " + n + " bytes runs past its step");
            }
            byte[] text = new byte[(int) n];
            b.get(from + 8, text);
            return Step.of(kind, kinds, required, afterSuccess, worstCaseUs, List.of(n), new String(text, StandardCharsets.UTF_8),
                    List.of(), "");
        }
        if (kind == GenericStep.VERIFY_DIGESTS.code()) {
            if (from + 16 > end) {
                throw bad(from, "verify-digests step has no chunk size and segment count");
            }
            long chunkSize = b.getLong(from);
            long segmentCount = b.getLong(from + 8);
            List<Segment> segments = new ArrayList<>();
            int at = from + 16;
            for (long s = 0; s < segmentCount; s++) {
                if (at + 32 > end) {
                    throw bad(at, "verify-digests segment " + s + " runs past its step");
                }
                long chunks = b.getLong(at + 24);
                List<String> digests = new ArrayList<>();
                int d = at + 32;
                if (chunks < 0 || chunks > (end - d) / StepEncoder.DIGEST_SIZE) {
                    throw bad(at + 24, "verify-digests segment " + s + ": " + chunks + " chunks run past its step");
                }
                for (long c = 0; c < chunks; c++) {
                    byte[] digest = new byte[StepEncoder.DIGEST_SIZE];
                    b.get(d, digest);
                    digests.add(HexFormat.of().formatHex(digest));
                    d += StepEncoder.DIGEST_SIZE;
                }
                segments.add(new Segment(b.getLong(at), b.getLong(at + 8), b.getLong(at + 16), digests));
                at = d;
            }
            return Step.of(kind, kinds, required, afterSuccess, worstCaseUs, List.of(chunkSize, segmentCount), "",
                    segments, "");
        }
        for (int at = from; at + 8 <= end; at += 8) {
            operands.add(b.getLong(at));
        }
        if (kind == GenericStep.IPMI_REQUEST.code()
                && StepEncoder.lastWordsShape(GenericStep.IPMI_REQUEST, operands).isEmpty()) {
            // the payloads are bytes in memory order: read them where they lie, no byte order involved
            int requestAt = from + 8 * (StepEncoder.TRANSPORT_OPERANDS + 1);
            byte[] request = new byte[Math.toIntExact(operands.get(StepEncoder.TRANSPORT_OPERANDS))];
            b.get(requestAt, request);
            int labelLengthAt = requestAt + StepEncoder.pad8(request.length);
            byte[] label = new byte[Math.toIntExact(b.getLong(labelLengthAt))];
            b.get(labelLengthAt + 8, label);
            return Step.of(kind, kinds, required, afterSuccess, worstCaseUs, operands,
                    new String(label, StandardCharsets.US_ASCII),
                    List.of(), HexFormat.ofDelimiter(" ").withUpperCase().formatHex(request));
        }
        if (kind == GenericStep.WRITE.code() && StepEncoder.writeShape(operands).isEmpty()) {
            byte[] bytes = new byte[Math.toIntExact(operands.get(1))];
            b.get(from + 16, bytes);
            return Step.of(kind, kinds, required, afterSuccess, worstCaseUs, operands, "", List.of(),
                    HexFormat.ofDelimiter(" ").withUpperCase().formatHex(bytes));
        }
        return Step.of(kind, kinds, required, afterSuccess, worstCaseUs, operands, "", List.of(), "");
    }

    private static void need(byte[] area, int offset, int length, String what) {
        if (area.length < offset + length) {
            throw bad(offset, String.format(Locale.ROOT, "%s needs %d bytes, the area has %d", what, length,
                    area.length - offset));
        }
    }

    private static HandoffException bad(long offset, String problem) {
        return new HandoffException(FailureKind.INTERNAL, String.format("purgatory parameter area offset %#x: %s",
                offset, problem));
    }
}
