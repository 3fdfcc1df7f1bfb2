package io.handoff.it.qemu;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The BMC's System Event Log as the guest read it with Get SEL Entry ({@code ipmitool raw 0x0a 0x43}): one line
 * {@code ID b0 … b15} per record, in the BMC's order.
 *
 * @param entries the records
 */
record SelDump(List<Entry> entries) {
    /**
     * One record.
     *
     * @param id the record id asked for
     * @param bytes its 16 bytes as the BMC stores them
     */
    record Entry(int id, byte[] bytes) {
        @Override
        public String toString() {
            return "#" + id + " " + HexFormat.ofDelimiter(" ").formatHex(bytes);
        }
    }

    /**
     * Parse the data channel block.
     *
     * @param block the text lines
     * @return the records
     */
    static SelDump parse(byte[] block) {
        List<Entry> entries = new ArrayList<>();
        for (String line : new String(block, StandardCharsets.US_ASCII).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (line.isBlank()) {
                continue;
            }
            if (f.length != 17) {
                throw new IllegalArgumentException("SEL dump line '" + line + "': expected an id and 16 bytes");
            }
            byte[] b = new byte[16];
            for (int i = 0; i < 16; i++) {
                b[i] = (byte) Integer.parseInt(f[i + 1], 16);
            }
            entries.add(new Entry(Integer.parseInt(f[0]), b));
        }
        return new SelDump(List.copyOf(entries));
    }
}
