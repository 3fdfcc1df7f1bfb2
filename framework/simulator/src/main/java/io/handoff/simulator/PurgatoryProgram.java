package io.handoff.simulator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A step program read back from a purgatory parameter area (FORMAT.md §2 and §3), to name what ran.
 *
 * <p>This is an independent reader of the binary contract, not the encoder's twin: the reference machine
 * uses it only to describe the steps in a {@link Trace}; the runtime under test reads the same bytes itself.
 *
 * @param order the byte order the area was written in (found from its magic)
 * @param steps the main program, in order
 * @param fallback the fallback steps, in order
 * @param budgetUs the planner's worst-case bound of the whole program, in µs
 * @param iterationCap the default iteration cap of every bounded wait
 * @param totalLength the bytes of the area used
 */
public record PurgatoryProgram(ByteOrder order, List<Step> steps, List<Step> fallback, long budgetUs,
                               long iterationCap, int totalLength) {
    /** The parameter area's magic, "HOPP". */
    public static final int MAGIC = 0x50504F48;
    /** The purgatory image header's magic, "HOPG". */
    public static final int IMAGE_MAGIC = 0x47504F48;
    /** The size of the image header. */
    public static final int IMAGE_HEADER_SIZE = 64;
    private static final int HEADER = 0x30;
    private static final int STEP_HEADER = 16;

    /** The generic kinds' names (FORMAT.md §3); a platform's architecture kinds come with {@link #read(byte[], Map)}. */
    private static final Map<Integer, String> GENERIC_NAMES = Map.ofEntries(
            Map.entry(1, "console"), Map.entry(2, "print"), Map.entry(3, "verify-digests"), Map.entry(4, "copy"),
            Map.entry(5, "swap"), Map.entry(6, "rtc"), Map.entry(7, "ipmi-request"), Map.entry(8, "cpu-ip-records"),
            Map.entry(9, "write"),
            Map.entry(17, "halt"), Map.entry(18, "reset"));

    public PurgatoryProgram {
        steps = List.copyOf(steps);
        fallback = List.copyOf(fallback);
    }

    /**
     * One step record.
     *
     * @param index its position in its list (main or fallback)
     * @param fallback whether it belongs to the fallback steps
     * @param kind the step kind number
     * @param required whether its failure runs the fallback (flags bit 0)
     * @param afterSuccess whether it runs only when the step before succeeded (flags bit 1)
     * @param worstCaseUs its declared worst case, in µs
     * @param operands the u64 operands after the 16-byte header (print text included, as raw words)
     * @param name the kind's name (FORMAT.md §3 or the platform's declaration), or {@code kind N} for an unknown one
     */
    public record Step(int index, boolean fallback, int kind, boolean required, boolean afterSuccess,
                       long worstCaseUs, List<Long> operands, String name) {
        /** Return the failure policy as traces name it: required, best-effort or after-success. */
        public String policyName() {
            return required ? "required" : afterSuccess ? "after-success" : "best-effort";
        }

        public Step {
            operands = List.copyOf(operands);
            java.util.Objects.requireNonNull(name, "name");
        }
    }

    /**
     * The header at the start of a purgatory image (FORMAT.md §1).
     *
     * @param order the byte order (from the magic)
     * @param version the format version
     * @param entryOffset the entry point's offset
     * @param paramOffset the parameter area's offset
     * @param paramSize the bytes reserved for the parameter area
     * @param stackSize the stack's size
     * @param imageSize the blob's size, bss included
     * @param arch the ELF machine (0 = host build)
     */
    public record ImageHeader(ByteOrder order, int version, long entryOffset, long paramOffset, long paramSize,
                              long stackSize, long imageSize, int arch) {
        /**
         * Read an image header.
         *
         * @throws IllegalArgumentException when the bytes do not start with the image magic
         */
        public static ImageHeader read(byte[] bytes) {
            if (bytes.length < IMAGE_HEADER_SIZE) {
                throw new IllegalArgumentException("purgatory image shorter than its 64-byte header: " + bytes.length);
            }
            ByteBuffer b = ByteBuffer.wrap(bytes).order(orderOf(bytes, IMAGE_MAGIC, "purgatory image"));
            return new ImageHeader(b.order(), Short.toUnsignedInt(b.getShort(4)), Integer.toUnsignedLong(b.getInt(8)),
                    Integer.toUnsignedLong(b.getInt(0x0C)), Integer.toUnsignedLong(b.getInt(0x10)),
                    Integer.toUnsignedLong(b.getInt(0x14)), Integer.toUnsignedLong(b.getInt(0x18)), b.getInt(0x1C));
        }
    }

    /** Return the text of a {@code print} step, or empty for other kinds. */
    public static String printText(Step step) {
        if (step.kind() != 2 || step.operands().isEmpty()) {
            return "";
        }
        int n = (int) Math.min(step.operands().get(0), (step.operands().size() - 1) * 8L);
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            // operands were read in the area's order; the text bytes are in memory order
            s.append((char) ((step.operands().get(1 + i / 8) >>> (8 * (i % 8))) & 0xFF));
        }
        return s.toString();
    }

    /**
     * Return the label of an {@code ipmi-request} step (FORMAT.md §7: five transport operands, the request's
     * length and words, the label's length and words), or empty for other kinds or a malformed step.
     *
     * <p>Operands were read in the area's byte order; the payload words are written back in that order to get
     * the bytes as they lie in memory.
     */
    public static Optional<String> ipmiLabel(Step step, ByteOrder order) {
        List<Long> ops = step.operands();
        if (step.kind() != 7 || ops.size() < 7) {
            return Optional.empty();
        }
        long n = ops.get(5);
        if (n < 0 || n > 40) {
            return Optional.empty();
        }
        int labelAt = 6 + (int) ((n + 7) / 8);
        if (labelAt >= ops.size()) {
            return Optional.empty();
        }
        long length = ops.get(labelAt);
        if (length < 1 || length > 64 || labelAt + 1 + (length + 7) / 8 > ops.size()) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.allocate((int) ((length + 7) / 8) * 8).order(order);
        for (int i = 0; i < (length + 7) / 8; i++) {
            b.putLong(ops.get(labelAt + 1 + i));
        }
        return Optional.of(new String(b.array(), 0, (int) length, StandardCharsets.US_ASCII));
    }

    /** Return the label of an {@code ipmi-request} step of a little-endian program (every port-I/O target). */
    public static Optional<String> ipmiLabel(Step step) {
        return ipmiLabel(step, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Read a parameter area.
     *
     * @throws IllegalArgumentException naming the offset when the area is not a well-formed version-1 program
     */
    public static PurgatoryProgram read(byte[] area) {
        return read(area, Map.of());
    }

    /**
     * Read a parameter area whose architecture kinds have these names.
     *
     * @param area the parameter area
     * @param architectureNames the platform's kinds' names by code
     * @throws IllegalArgumentException when the area is not one
     */
    public static PurgatoryProgram read(byte[] area, Map<Integer, String> architectureNames) {
        Map<Integer, String> names = new java.util.HashMap<>(GENERIC_NAMES);
        names.putAll(architectureNames);
        if (area.length < HEADER) {
            throw new IllegalArgumentException("parameter area shorter than its 48-byte header: " + area.length);
        }
        ByteOrder order = orderOf(area, MAGIC, "parameter area");
        ByteBuffer b = ByteBuffer.wrap(area).order(order);
        int version = Short.toUnsignedInt(b.getShort(4));
        if (version != 1) {
            throw new IllegalArgumentException("parameter area version " + version + ", expected 1");
        }
        int count = Short.toUnsignedInt(b.getShort(6));
        long stepsOffset = Integer.toUnsignedLong(b.getInt(8));
        long fallbackCount = Integer.toUnsignedLong(b.getInt(0x0C));
        long fallbackOffset = Integer.toUnsignedLong(b.getInt(0x10));
        long total = Integer.toUnsignedLong(b.getInt(0x14));
        if (total > area.length) {
            throw new IllegalArgumentException(String.format("parameter area total_length %#x exceeds its %#x bytes",
                    total, area.length));
        }
        // a plain copy keeps the order so that print text words decode in memory order (little-endian host)
        ByteBuffer words = order == ByteOrder.LITTLE_ENDIAN ? b : ByteBuffer.wrap(area).order(ByteOrder.LITTLE_ENDIAN);
        List<Step> main = steps(b, words, stepsOffset, count, total, false, names);
        List<Step> fb = steps(b, words, fallbackOffset, fallbackCount, total, true, names);
        return new PurgatoryProgram(order, main, fb, b.getLong(0x18), b.getLong(0x20), (int) total);
    }

    private static List<Step> steps(ByteBuffer b, ByteBuffer words, long offset, long count, long total,
                                    boolean fallback, Map<Integer, String> names) {
        List<Step> out = new ArrayList<>();
        long at = offset;
        for (int i = 0; i < count; i++) {
            if (at + STEP_HEADER > total) {
                throw new IllegalArgumentException(String.format("%s step %d at %#x runs past total_length %#x",
                        fallback ? "fallback" : "main", i, at, total));
            }
            int kind = Short.toUnsignedInt(b.getShort((int) at));
            int flags = Short.toUnsignedInt(b.getShort((int) at + 2));
            long length = Integer.toUnsignedLong(b.getInt((int) at + 4));
            if (length < STEP_HEADER || length % 8 != 0 || at + length > total) {
                throw new IllegalArgumentException(String.format("%s step %d at %#x has length %#x (total_length %#x)",
                        fallback ? "fallback" : "main", i, at, length, total));
            }
            List<Long> operands = new ArrayList<>();
            for (long o = at + STEP_HEADER; o < at + length; o += 8) {
                // print text is bytes: keep them as memory-order words; numbers in the area's order
                operands.add(kind == 2 && o > at + STEP_HEADER ? words.getLong((int) o) : b.getLong((int) o));
            }
            out.add(new Step(i, fallback, kind, (flags & 1) != 0, (flags & 2) != 0, b.getLong((int) at + 8), operands,
                    names.getOrDefault(kind, "kind " + kind)));
            at += length;
        }
        return out;
    }

    private static ByteOrder orderOf(byte[] bytes, int magic, String what) {
        int le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (le == magic) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        if (Integer.reverseBytes(le) == magic) {
            return ByteOrder.BIG_ENDIAN;
        }
        throw new IllegalArgumentException(String.format("%s: magic %#010x at offset 0, expected %#010x", what,
                le, magic));
    }
}
