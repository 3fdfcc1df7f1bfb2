package io.handoff.simulator.bmc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One record of the simulated BMC's System Event Log, as stored (16 bytes, the record id in bytes 0..1).
 *
 * <p>Decoding follows the IPMI SEL record formats: type 0x02 is a system event (timestamp, generator, sensor,
 * event data), 0xC0..0xDF OEM timestamped, 0xE0..0xFF OEM non-timestamped. Two OEM types are read further:
 * 0xF0, Linux's panic-string piece ({@code [3]} slave address, {@code [4]} sequence, {@code [5..15]} text), and
 * 0xF1 with the marker {@code HOF}, handoff's CPU instruction pointer record ({@code [4]} CPU, {@code [5..12]}
 * ip little-endian).
 *
 * @param recordId the record id the BMC assigned
 * @param bytes the 16 stored bytes (copied)
 * @param at the virtual time the BMC stored it
 * @since 0.1
 */
public record SelEntry(int recordId, byte[] bytes, Duration at) {
    /** The size of a SEL record. */
    public static final int SIZE = 16;
    /** Record type: system event. */
    public static final int TYPE_SYSTEM_EVENT = 0x02;
    /** Record type: OEM text piece (Linux's panic string). */
    public static final int TYPE_OEM_TEXT = 0xF0;
    /** Record type: handoff's CPU instruction pointer record. */
    public static final int TYPE_CPU_IP = 0xF1;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** Check and copy. */
    public SelEntry {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(at, "at");
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("a SEL record has 16 bytes, got " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /**
     * A handoff CPU record decoded.
     *
     * @param cpu the CPU number
     * @param ip its instruction pointer at the crash
     */
    public record CpuIp(int cpu, long ip) {
    }

    /**
     * A system event record decoded.
     *
     * @param timestamp seconds since 1970, as the BMC stamped it
     * @param generatorId the generator id (byte 7: software id in bits 7:1, bit 0 set for software)
     * @param sensorType the sensor type (0x20 OS Critical Stop, 0x23 Watchdog 2 …)
     * @param sensorNumber the sensor number
     * @param eventDirType event direction (bit 7: deassertion) and type (0x6F sensor-specific)
     * @param data1 event data 1
     * @param data2 event data 2
     * @param data3 event data 3
     */
    public record SystemEvent(long timestamp, int generatorId, int sensorType, int sensorNumber, int eventDirType,
                              int data1, int data2, int data3) {
    }

    /** Return a copy of the bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Return the record type (byte 2). */
    public int type() {
        return bytes[2] & 0xFF;
    }

    /** Return the handoff CPU record, when this is one (type 0xF1 with the {@code HOF} marker). */
    public Optional<CpuIp> cpuIp() {
        if (type() != TYPE_CPU_IP || bytes[13] != 'H' || bytes[14] != 'O' || bytes[15] != 'F') {
            return Optional.empty();
        }
        return Optional.of(new CpuIp(bytes[4] & 0xFF, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(5)));
    }

    /** Return the text piece of an OEM text record (type 0xF0), trailing NULs removed. */
    public Optional<String> text() {
        if (type() != TYPE_OEM_TEXT) {
            return Optional.empty();
        }
        int end = SIZE;
        while (end > 5 && bytes[end - 1] == 0) {
            end--;
        }
        return Optional.of(new String(bytes, 5, end - 5, StandardCharsets.US_ASCII));
    }

    /** Return the sequence number of an OEM text record (byte 4). */
    public int sequence() {
        return bytes[4] & 0xFF;
    }

    /** Return the system event, when this is one (type 0x02). */
    public Optional<SystemEvent> systemEvent() {
        if (type() != TYPE_SYSTEM_EVENT) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return Optional.of(new SystemEvent(Integer.toUnsignedLong(b.getInt(3)), bytes[7] & 0xFF, bytes[10] & 0xFF,
                bytes[11] & 0xFF, bytes[12] & 0xFF, bytes[13] & 0xFF, bytes[14] & 0xFF, bytes[15] & 0xFF));
    }

    /** Return one line saying what the record records. */
    public String describe() {
        String head = String.format("SEL #%d: ", recordId);
        Optional<SystemEvent> event = systemEvent();
        if (event.isPresent()) {
            return head + systemEvent(event.get());
        }
        Optional<CpuIp> cpu = cpuIp();
        if (cpu.isPresent()) {
            return head + String.format("handoff CPU record: cpu %d ip %#x", cpu.get().cpu(), cpu.get().ip());
        }
        Optional<String> text = text();
        if (text.isPresent()) {
            return head + String.format("OEM text %d from %#04x: \"%s\"", sequence(), bytes[3] & 0xFF,
                    printable(text.get()));
        }
        return head + String.format("record type %#04x: %s", type(),
                HexFormat.ofDelimiter(" ").formatHex(bytes, 2, SIZE));
    }

    private static String systemEvent(SystemEvent e) {
        int generator = e.generatorId();
        String who = (generator & 1) != 0
                ? String.format("software id %#04x%s", generator >> 1, switch (generator >> 1) {
                    case 0x20 -> " (Linux kernel)";
                    case 0x21 -> " (handoff purgatory)";
                    default -> "";
                })
                : String.format("slave address %#04x%s", generator, generator == 0x20 ? " (the BMC)" : "");
        String sensor = switch (e.sensorType()) {
            case 0x20 -> "OS Critical Stop";
            case 0x23 -> "Watchdog 2";
            default -> String.format("sensor type %#04x", e.sensorType());
        };
        String what = describeEvent(e);
        return String.format("%s system event from %s: %s, sensor %#04x%s, %s; data %02x %02x %02x",
                TIME.format(Instant.ofEpochSecond(e.timestamp())), who, sensor, e.sensorNumber(),
                e.sensorNumber() >= 0x20 && e.sensorNumber() < 0x7F ? " '" + (char) e.sensorNumber() + "'" : "",
                what, e.data1(), e.data2(), e.data3());
    }

    private static String describeEvent(SystemEvent e) {
        String direction = (e.eventDirType() & 0x80) != 0 ? "deassertion" : "assertion";
        int offset = e.data1() & 0x0F;
        if (e.sensorType() == 0x20 && (e.eventDirType() & 0x7F) == 0x6F) {
            return direction + " of " + switch (offset) {
                case 0 -> "critical stop during OS load";
                case 1 -> "run-time critical stop";
                default -> "offset " + offset;
            } + ((e.data1() & 0xA0) == 0xA0 ? String.format(", OEM codes '%s'", printable(
                    new String(new byte[] {(byte) e.sensorNumber(), (byte) e.data2(), (byte) e.data3()},
                            StandardCharsets.ISO_8859_1))) : "");
        }
        if (e.sensorType() == 0x23 && (e.eventDirType() & 0x7F) == 0x6F) {
            return direction + " of " + switch (offset) {
                case 0 -> "timer expired";
                case 1 -> "hard reset";
                case 2 -> "power down";
                case 3 -> "power cycle";
                case 8 -> "timer interrupt";
                default -> "offset " + offset;
            };
        }
        return String.format("%s, event type %#04x, offset %d", direction, e.eventDirType() & 0x7F, offset);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7F ? c : '.');
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SelEntry e && e.recordId == recordId && Arrays.equals(e.bytes, bytes) && e.at.equals(at);
    }

    @Override
    public int hashCode() {
        return Objects.hash(recordId, Arrays.hashCode(bytes), at);
    }

    @Override
    public String toString() {
        return "SelEntry[" + describe() + "]";
    }
}
