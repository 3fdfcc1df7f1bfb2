package io.handoff.firmware.efi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.HandoffException;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HandoffRecordTests {
    static final HandoffRecord RECORD = new HandoffRecord(new MemoryRange(0x6b000000L, 0x7affffffL, RangeType.RAM),
            0x7affc000L, 0x468, HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
            0x7affc468L, "ABCDEFGHIJKLMNOP".getBytes(StandardCharsets.US_ASCII), 0x4846, "elfcorehdr=2014192K x",
            "\\EFI\\handoff\\41424344\\vmlinuz", Optional.of("\\EFI\\handoff\\41424344\\initrd.img"),
            List.of(new MemoryRange(0, 0x9ffff, RangeType.RAM), new MemoryRange(0x100000, 0x6affffffL, RangeType.RAM)));

    @Nested
    class Layout {
        @Test
        void fieldsSitAtTheirOffsetsInLittleEndian() {
            ByteBuffer b = ByteBuffer.wrap(RECORD.encode()).order(ByteOrder.LITTLE_ENDIAN);

            assertThat(new String(RECORD.encode(), 0, 8, StandardCharsets.US_ASCII)).isEqualTo("HOFFREC1");
            assertThat(b.getInt(0x08)).isEqualTo(1);
            assertThat(b.getInt(0x0C)).isEqualTo(b.capacity());
            assertThat(b.getLong(0x10)).isEqualTo(0x6b000000L);
            assertThat(b.getLong(0x18)).as("end, exclusive").isEqualTo(0x7b000000L);
            assertThat(b.getLong(0x20)).isEqualTo(0x7affc000L);
            assertThat(b.getLong(0x28)).isEqualTo(0x468);
            assertThat(Arrays.copyOfRange(RECORD.encode(), 0x30, 0x50)).isEqualTo(RECORD.elfCoreHeaderSha256());
            assertThat(b.getLong(0x50)).isEqualTo(0x7affc468L);
            assertThat(new String(RECORD.encode(), 0x58, 16, StandardCharsets.US_ASCII)).isEqualTo("ABCDEFGHIJKLMNOP");
            assertThat(Short.toUnsignedInt(b.getShort(0x68))).isEqualTo(0x4846);
            assertThat(b.getInt(0x70)).as("command line offset").isEqualTo(0x90);
            assertThat(b.getInt(0x74)).isEqualTo("elfcorehdr=2014192K x".length());
            assertThat(b.getInt(0x78)).as("kernel path offset, 8-aligned").isEqualTo(0x90 + 24);
            assertThat(b.getInt(0x88) % 8).isZero();
            assertThat(b.getInt(0x8C)).isEqualTo(2);
            int ranges = b.getInt(0x88);
            assertThat(b.getLong(ranges + 16)).isEqualTo(0x100000);
            assertThat(b.getLong(ranges + 24)).as("end, exclusive").isEqualTo(0x6b000000L);
        }

        @Test
        void decodingGivesTheRecordBack() {
            assertThat(HandoffRecord.decode(RECORD.encode(), "test")).isEqualTo(RECORD);
        }

        @Test
        void noInitrdIsALengthOfZero() {
            HandoffRecord r = new HandoffRecord(RECORD.crashRegion(), RECORD.elfCoreHeader(), RECORD.elfCoreHeaderSize(),
                    RECORD.elfCoreHeaderSha256(), RECORD.marker(), RECORD.nonce(), 1, "x", "\\k", Optional.empty(),
                    List.of());
            ByteBuffer b = ByteBuffer.wrap(r.encode()).order(ByteOrder.LITTLE_ENDIAN);

            assertThat(b.getInt(0x80)).isZero();
            assertThat(b.getInt(0x84)).isZero();
            assertThat(HandoffRecord.decode(r.encode(), "test").initrdPath()).isEmpty();
        }
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("short", (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, 0x8F),
                        "test: record is 143 bytes, shorter than its 0x90-byte header"),
                Arguments.of("magic", (UnaryOperator<byte[]>) b -> set(b, 0, 'X'), "test: no HOFFREC1 magic"),
                Arguments.of("version", (UnaryOperator<byte[]>) b -> set(b, 8, 2), "test: version 2, expected 1"),
                Arguments.of("total", (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, b.length + 8),
                        "test: total length " + RECORD.encode().length + " but the variable holds "
                                + (RECORD.encode().length + 8) + " bytes"),
                Arguments.of("empty region", (UnaryOperator<byte[]>) b -> putLong(b, 0x18, 0x6b000000L),
                        "test: empty crash region 0x6b000000-0x6b000000"),
                Arguments.of("cmdline outside", (UnaryOperator<byte[]>) b -> putInt(b, 0x74, 100000),
                        "test: command line at 144, 100000 bytes, lies outside the record's data"),
                Arguments.of("ranges outside", (UnaryOperator<byte[]>) b -> putInt(b, 0x8C, 3),
                        "test: 3 dumped ranges at " + (RECORD.encode().length - 32) + " run past the record's end"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedRecordIsRefusedNamingTheField(String name, UnaryOperator<byte[]> damage, String message) {
        assertThatThrownBy(() -> HandoffRecord.decode(damage.apply(RECORD.encode()), "test"))
                .isInstanceOf(HandoffException.class).hasMessage(message);
    }

    private static byte[] set(byte[] b, int at, int value) {
        b[at] = (byte) value;
        return b;
    }

    private static byte[] putLong(byte[] b, int at, long value) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
        return b;
    }

    private static byte[] putInt(byte[] b, int at, int value) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return b;
    }
}
