package io.handoff.api.support;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How byte payloads travel in a step's {@code List<Long>} operands: a u64 length, then the bytes packed 8 per u64.
 *
 * <p>The framework's encoder writes every operand as a u64 in the target's byte order, so the words are packed for
 * that order and the bytes land in memory in their original order, the last word zero padded: on a little-endian
 * target byte {@code i} of a word is bits {@code 8i..8i+7}, on a big-endian one bits {@code 56-8i..63-8i}. The
 * encoder needs no knowledge of which operands are bytes.
 *
 * @since 0.2
 */
public final class BytePayloads {
    private BytePayloads() {
    }

    /**
     * Return a payload: its length, then {@code ceil(length / 8)} packed words.
     *
     * @param bytes the payload, never {@code null}
     * @param order the target's byte order, never {@code null}
     */
    public static List<Long> payload(byte[] bytes, ByteOrder order) {
        List<Long> operands = new ArrayList<>(1 + words(bytes.length));
        append(operands, bytes, order);
        return operands;
    }

    /**
     * Append a payload: its length, then {@code ceil(length / 8)} packed words.
     *
     * @param operands the list to append to, never {@code null}
     * @param bytes the payload, never {@code null}
     * @param order the target's byte order, never {@code null}
     */
    public static void append(List<Long> operands, byte[] bytes, ByteOrder order) {
        operands.add((long) bytes.length);
        operands.addAll(pack(bytes, order));
    }

    /**
     * Return the bytes packed 8 per word, zero padded, for the target's byte order (no length word).
     *
     * @param bytes the bytes, never {@code null}
     * @param order the target's byte order, never {@code null}
     */
    public static List<Long> pack(byte[] bytes, ByteOrder order) {
        ByteBuffer b = ByteBuffer.wrap(Arrays.copyOf(bytes, words(bytes.length) * 8)).order(order);
        List<Long> out = new ArrayList<>(words(bytes.length));
        while (b.hasRemaining()) {
            out.add(b.getLong());
        }
        return out;
    }

    /**
     * Read a payload written by {@link #append} or {@link #payload}.
     *
     * @param operands the operands, never {@code null}
     * @param index where the length operand is
     * @param order the target's byte order the payload was packed for, never {@code null}
     * @return the payload
     * @throws IllegalArgumentException when the operands end before the payload does
     */
    public static byte[] read(List<Long> operands, int index, ByteOrder order) {
        long length = operands.get(index);
        if (length < 0 || length > Integer.MAX_VALUE - 7 || index + 1 + words((int) length) > operands.size()) {
            throw new IllegalArgumentException("byte payload at operand " + index + " of length " + length
                    + " runs past the " + operands.size() + " operands");
        }
        ByteBuffer b = ByteBuffer.allocate(words((int) length) * 8).order(order);
        for (int i = 0; i < words((int) length); i++) {
            b.putLong(operands.get(index + 1 + i));
        }
        return Arrays.copyOf(b.array(), (int) length);
    }

    /**
     * Return how many u64 operands a payload of {@code length} bytes takes after its length word.
     *
     * @param length the payload's length, not negative
     */
    public static int words(int length) {
        return (length + 7) / 8;
    }
}
