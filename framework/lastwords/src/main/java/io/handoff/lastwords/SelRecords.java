package io.handoff.lastwords;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * System Event Log records: the Add SEL Entry request, the OEM text records of a panic text, handoff's CPU IP
 * records, and a decoder of 16-byte records (for tests and the simulator's trace).
 *
 * <p>Text records are Linux's panic-string layout: OEM non-timestamped type {@value #TYPE_TEXT},
 * {@code [0..1]} record id 0 (the BMC assigns one), {@code [3]} the slave address 0x20, {@code [4]} a sequence
 * number from 0, {@code [5..15]} 11 bytes of text, zero padded and not NUL-terminated when full.
 *
 * @since 0.1
 */
public final class SelRecords {
    /** Add SEL Entry (NetFn Storage). */
    public static final int CMD_ADD_SEL_ENTRY = 0x44;
    /** The size of every SEL record. */
    public static final int RECORD_SIZE = 16;
    /** Record type of a standard system event. */
    public static final int TYPE_SYSTEM_EVENT = 0x02;
    /** Record type of a text piece (OEM, non-timestamped). */
    public static final int TYPE_TEXT = 0xF0;
    /** Record type of handoff's CPU instruction pointer record (OEM, non-timestamped). */
    public static final int TYPE_CPU_IP = 0xF1;
    /** The slave address written in OEM records: the BMC's, as Linux writes. */
    public static final int SLAVE_ADDRESS = 0x20;
    /** Text bytes per text record. */
    public static final int TEXT_PER_RECORD = 11;
    /** The marker at {@code [13..15]} of a CPU IP record. */
    public static final String CPU_IP_MARKER = "HOF";

    private SelRecords() {
    }

    /**
     * Split a text into as many text records as needed (ASCII; other characters become {@code ?}).
     *
     * @param text the text; an empty text gives no record
     * @return the 16-byte records, sequence numbers 0, 1, …
     * @throws IllegalArgumentException when the text needs more than 256 records
     */
    public static List<byte[]> textRecords(String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        int count = (t.length + TEXT_PER_RECORD - 1) / TEXT_PER_RECORD;
        if (count > 256) {
            throw new IllegalArgumentException("SEL text of " + t.length + " bytes needs " + count
                    + " records, sequence numbers stop at 255");
        }
        List<byte[]> records = new ArrayList<>(count);
        for (int seq = 0; seq < count; seq++) {
            byte[] r = new byte[RECORD_SIZE];
            r[2] = (byte) TYPE_TEXT;
            r[3] = (byte) SLAVE_ADDRESS;
            r[4] = (byte) seq;
            int from = seq * TEXT_PER_RECORD;
            System.arraycopy(t, from, r, 5, Math.min(TEXT_PER_RECORD, t.length - from));
            records.add(r);
        }
        return records;
    }

    /**
     * Return a CPU IP record as the purgatory runtime writes it (FORMAT.md §7).
     *
     * @param cpu the CPU number (0..255)
     * @param ip the instruction pointer
     * @return the 16-byte record
     */
    public static byte[] cpuIpRecord(int cpu, long ip) {
        Bytes.checkRange("cpu", cpu, 0xFF);
        ByteBuffer b = ByteBuffer.allocate(RECORD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0).put((byte) TYPE_CPU_IP).put((byte) SLAVE_ADDRESS).put((byte) cpu).putLong(ip)
                .put(CPU_IP_MARKER.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /**
     * Return the Add SEL Entry request for a record.
     *
     * @param record 16 bytes
     * @return the request (NetFn Storage 0x0A, Cmd 0x44)
     */
    public static IpmiRequest addEntry(byte[] record) {
        if (record.length != RECORD_SIZE) {
            throw new IllegalArgumentException("a SEL record has 16 bytes, got " + record.length);
        }
        return IpmiRequest.of(NetFn.STORAGE, CMD_ADD_SEL_ENTRY, record);
    }

    /**
     * Return the record id an Add SEL Entry response carries (LSB first).
     *
     * @param response a successful response
     * @return the record id the BMC assigned
     */
    public static int addedRecordId(IpmiResponse response) {
        byte[] d = response.data();
        if (!response.ok() || d.length < 2) {
            throw new IllegalArgumentException("not a successful Add SEL Entry response: " + response);
        }
        return Bytes.u8(d[0]) | Bytes.u8(d[1]) << 8;
    }

    /**
     * Decode a 16-byte SEL record.
     *
     * @param record the bytes
     * @return the decoded record; unknown types as {@link SelRecord.Other}
     * @throws IllegalArgumentException when the record does not have 16 bytes, or a 0xF1 record lacks its marker
     */
    public static SelRecord decode(byte[] record) {
        if (record.length != RECORD_SIZE) {
            throw new IllegalArgumentException("SEL record of " + record.length + " bytes, expected 16");
        }
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        int id = Short.toUnsignedInt(b.getShort(0));
        int type = Bytes.u8(record[2]);
        switch (type) {
            case TYPE_TEXT: {
                int end = 5 + TEXT_PER_RECORD;
                while (end > 5 && record[end - 1] == 0) {
                    end--;
                }
                return new SelRecord.OemText(id, Bytes.u8(record[3]), Bytes.u8(record[4]),
                        new String(record, 5, end - 5, StandardCharsets.US_ASCII));
            }
            case TYPE_CPU_IP: {
                String marker = new String(record, 13, 3, StandardCharsets.US_ASCII);
                if (!CPU_IP_MARKER.equals(marker)) {
                    // the bytes come from the BMC: shown escaped, so the message stays one printable line
                    throw new IllegalArgumentException("SEL record type 0xF1 at offset 13: marker \""
                            + printable(record, 13, 3) + "\", expected \"" + CPU_IP_MARKER + "\"");
                }
                return new SelRecord.CpuIp(id, Bytes.u8(record[3]), Bytes.u8(record[4]), b.getLong(5));
            }
            case TYPE_SYSTEM_EVENT:
                return new SelRecord.SystemEvent(id, Integer.toUnsignedLong(b.getInt(3)),
                        Short.toUnsignedInt(b.getShort(7)), Bytes.u8(record[9]), Bytes.u8(record[10]),
                        Bytes.u8(record[11]), Bytes.u8(record[12]), Bytes.u8(record[13]), Bytes.u8(record[14]),
                        Bytes.u8(record[15]));
            default:
                return new SelRecord.Other(id, type, Arrays.copyOf(record, RECORD_SIZE));
        }
    }

    /** Return the bytes as ASCII, each byte outside 0x20..0x7E as {@code \xNN}. */
    static String printable(byte[] bytes, int from, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < from + length; i++) {
            int b = bytes[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '\\') {
                out.append((char) b);
            } else {
                out.append(String.format("\\x%02x", b));
            }
        }
        return out.toString();
    }

    /**
     * Join the text pieces among some records back into the text, by sequence number.
     *
     * @param records decoded records; other types are ignored
     * @return the text
     */
    public static String joinText(List<SelRecord> records) {
        StringBuilder text = new StringBuilder();
        records.stream()
                .filter(SelRecord.OemText.class::isInstance)
                .map(SelRecord.OemText.class::cast)
                .sorted(Comparator.comparingInt(SelRecord.OemText::sequence))
                .forEach(r -> text.append(r.text()));
        return text.toString();
    }
}
