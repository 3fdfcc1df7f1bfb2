package io.handoff.lastwords;

import java.util.HexFormat;

/** Small byte helpers shared by the message classes. */
final class Bytes {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

    private Bytes() {
    }

    /** Return the bytes as {@code 18 04 B0}. */
    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** Return the unsigned value of a byte. */
    static int u8(byte b) {
        return b & 0xFF;
    }

    /** Check that a value lies in 0..max; return it. */
    static int checkRange(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " must be 0.." + max + ", got " + value);
        }
        return value;
    }
}
