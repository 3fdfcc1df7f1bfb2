package io.handoff.core.system;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;

/**
 * Number parsing for profile files, failing with a message that names where the number came from.
 */
final class Numbers {
    private Numbers() {
    }

    /**
     * Parse hexadecimal digits (with an optional {@code 0x} prefix when {@code allowPrefix}) as a
     * non-negative long; physical addresses of 2^63 and above are refused since the planner's arithmetic
     * is signed.
     */
    static long hex(String text, boolean allowPrefix, String where) {
        long value = hex64(text, allowPrefix, where);
        if (value < 0) {
            throw malformed(where, "address " + text + " is 2^63 or more");
        }
        return value;
    }

    /** Parse hexadecimal digits as all 64 bits, for kernel virtual addresses ({@code ffffffff...}). */
    static long hex64(String text, boolean allowPrefix, String where) {
        String digits = text;
        if (allowPrefix && (digits.startsWith("0x") || digits.startsWith("0X"))) {
            digits = digits.substring(2);
        }
        if (digits.isEmpty() || !digits.chars().allMatch(Numbers::isHexDigit)) {
            throw malformed(where, "not a hexadecimal number '" + text + "'");
        }
        try {
            return Long.parseUnsignedLong(digits, 16);
        } catch (NumberFormatException e) {
            throw malformed(where, "number " + text + " does not fit in 64 bits");
        }
    }

    /** Parse a non-negative decimal number. */
    static long decimal(String text, String where) {
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw malformed(where, "not a decimal number '" + text + "'");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw malformed(where, "number " + text + " is too large");
        }
    }

    /** Parse a number as strtoull with base 0 does for the common cases: {@code 0x} hex, else decimal. */
    static long hexOrDecimal(String text, String where) {
        if (text.startsWith("0x") || text.startsWith("0X")) {
            return hex(text, true, where);
        }
        return decimal(text, where);
    }

    static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static HandoffException malformed(String where, String problem) {
        return new HandoffException(FailureKind.MALFORMED_PROFILE, where + ": " + problem);
    }

    /** Return the first line of a sysfs value file without its newline and surrounding blanks. */
    static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }
}
