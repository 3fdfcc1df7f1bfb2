package io.handoff.core.bench;

/**
 * Generates a {@code /proc/iomem} of a given number of lines, shaped like a large server's: low memory, a crash region
 * below 4 GiB, then alternating System RAM (with a reserved child) and top-level reserved ranges above 4 GiB, the way
 * a firmware that fragments memory prints it.
 */
public final class LargeIomem {
    private static final String HEAD = """
            00000000-00000fff : Reserved
            00001000-0009ffff : System RAM
            000a0000-000bffff : PCI Bus 0000:00
            000f0000-000fffff : System ROM
            00100000-bfffffff : System RAM
              01000000-01ffffff : Kernel code
              02000000-027fffff : Kernel data
              b0000000-bfffffff : Crash kernel
            c0000000-febfffff : PCI Bus 0000:00
              e0000000-efffffff : PCI MMCONFIG 0000 [bus 00-ff]
                e0000000-efffffff : Reserved
            """;

    private LargeIomem() {
    }

    /**
     * Return the text.
     *
     * @param lines how many lines (at least the 11 of the fixed head)
     * @return the file's content
     */
    public static String generate(int lines) {
        StringBuilder b = new StringBuilder(lines * 40).append(HEAD);
        int n = (int) HEAD.lines().count();
        long at = 1L << 32;
        while (n < lines) {
            b.append(String.format("%x-%x : System RAM%n", at, at + 0xfffff));
            n++;
            if (n < lines) {
                b.append(String.format("  %x-%x : reserved%n", at + 0x1000, at + 0x1fff));
                n++;
            }
            if (n < lines) {
                b.append(String.format("%x-%x : Reserved%n", at + 0x100000, at + 0x100fff));
                n++;
            }
            at += 0x200000;
        }
        return b.toString();
    }
}
