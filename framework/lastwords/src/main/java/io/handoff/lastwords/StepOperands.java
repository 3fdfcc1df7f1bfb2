package io.handoff.lastwords;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How byte payloads travel in a step's {@code List<Long>} operands: a u64 length, then the bytes packed 8 per
 * u64 so that the framework's encoder, which writes every operand as a u64 in the target's byte order,
 * lays them down in their original order (the last word zero padded).
 *
 * <p>So on a little-endian target byte {@code i} of a word is bits {@code 8i..8i+7}; on a big-endian one it is
 * bits {@code 56-8i..63-8i}. The encoder needs no knowledge of which operands are bytes.
 *
 * @since 0.1
 */
public final class StepOperands {
    private StepOperands() {
    }

    /**
     * Append a byte payload: its length, then {@code ceil(length / 8)} packed words.
     *
     * @param operands the list to append to
     * @param bytes the payload
     * @param order the target's byte order
     */
    public static void appendBytes(List<Long> operands, byte[] bytes, ByteOrder order) {
        operands.add((long) bytes.length);
        operands.addAll(pack(bytes, order));
    }

    /** Return the bytes packed 8 per word, zero padded, for the target's byte order. */
    public static List<Long> pack(byte[] bytes, ByteOrder order) {
        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(bytes, words(bytes.length) * 8)).order(order);
        List<Long> out = new ArrayList<>(words(bytes.length));
        while (b.hasRemaining()) {
            out.add(b.getLong());
        }
        return out;
    }

    /**
     * Read a byte payload written by {@link #appendBytes}.
     *
     * @param operands the operands
     * @param index where the length operand is
     * @param order the target's byte order
     * @return the payload
     * @throws IllegalArgumentException when the operands end before the payload does
     */
    public static byte[] readBytes(List<Long> operands, int index, ByteOrder order) {
        long length = operands.get(index);
        if (length < 0 || length > Integer.MAX_VALUE || index + 1 + words((int) length) > operands.size()) {
            throw new IllegalArgumentException("byte payload at operand " + index + " of length " + length
                    + " runs past the " + operands.size() + " operands");
        }
        ByteBuffer b = ByteBuffer.allocate(words((int) length) * 8).order(order);
        for (int i = 0; i < words((int) length); i++) {
            b.putLong(operands.get(index + 1 + i));
        }
        return Arrays.copyOf(b.array(), (int) length);
    }

    /** Return how many u64 operands a payload of {@code length} bytes takes after its length. */
    public static int words(int length) {
        return (length + 7) / 8;
    }
}
