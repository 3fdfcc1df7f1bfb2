package io.handoff.core.purgatory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.core.testing.SyntheticPurgatory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PurgatoryImageTests {
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    @Nested
    class AValidHeader {
        @Test
        void isReadInLittleEndian() {
            byte[] blob = SyntheticPurgatory.blob();
            assertThat(blob).startsWith(0x48, 0x4F, 0x50, 0x47); // "HOPG"

            PurgatoryImage image = PurgatoryImage.read(blob, "x86.bin", LE);

            assertThat(image.version()).isEqualTo(1);
            assertThat(image.entryOffset()).isEqualTo(0x760);
            assertThat(image.paramOffset()).isEqualTo(0x1000);
            assertThat(image.paramSize()).isEqualTo(0x4000);
            assertThat(image.stackSize()).isEqualTo(0x1000);
            assertThat(image.imageSize()).isEqualTo(0x9000);
            assertThat(image.arch()).isEqualTo(62);
            assertThat(image.blob()).isEqualTo(blob);
        }

        @Test
        void isReadInBigEndian() {
            byte[] blob = SyntheticPurgatory.blob(BE, 0x200, 0x800, 0x1000, 0x3000, 22, 0x2000);
            assertThat(blob).startsWith(0x47, 0x50, 0x4F, 0x48);

            PurgatoryImage image = PurgatoryImage.read(blob, "s390.bin", BE);

            assertThat(image.entryOffset()).isEqualTo(0x200);
            assertThat(image.paramOffset()).isEqualTo(0x800);
            assertThat(image.imageSize()).isEqualTo(0x3000);
            assertThat(image.arch()).isEqualTo(22);
        }

        @Test
        void loadBytesReachTheParameterAreaEvenWhenItIsInBss() {
            byte[] blob = SyntheticPurgatory.blob(LE, 0x100, 0x2000, 0x800, 0x4000, 62, 0x1800);

            byte[] load = PurgatoryImage.read(blob, "x.bin", LE).loadBytes();

            assertThat(load).hasSize(0x2800).startsWith(blob);
            assertThat(PurgatoryImage.read(SyntheticPurgatory.blob(), "x.bin", LE).loadBytes())
                    .hasSize(SyntheticPurgatory.BLOB_LENGTH);
        }
    }

    static Stream<Arguments> badHeaders() {
        return Stream.of(
                bad("short", b -> { }, 40, "purgatory header offset 0x0: image_size only 40 bytes"),
                bad("magic", b -> b.putInt(0, 0x47504F49), 0x100, "offset 0x0: magic 0x47504f49, expected 0x47504f48"),
                bad("version", b -> b.putShort(4, (short) 2), 0x100, "offset 0x4: version 2"),
                bad("header_size", b -> b.putShort(6, (short) 48), 0x100, "offset 0x6: header_size 48, expected 64"),
                bad("entry in header", b -> b.putInt(8, 0x20), 0x100, "offset 0x8: entry_offset 0x20 is outside"),
                bad("entry past end", b -> b.putInt(8, 0x200), 0x100, "offset 0x8: entry_offset 0x200 is outside"),
                bad("param misaligned", b -> b.putInt(12, 0x44), 0x100, "offset 0xc: param_offset 0x44 is not 8-byte aligned"),
                bad("param past end", b -> b.putInt(16, 0x100), 0x100, "offset 0xc: param_offset parameter area 0x40+0x100 is not inside"),
                bad("param too small", b -> b.putInt(16, 0x10), 0x100, "offset 0x10: param_size 0x10 is smaller"),
                bad("image smaller than blob", b -> b.putInt(24, 0x80), 0x100, "offset 0x18: image_size 0x80 is smaller than the blob"),
                bad("stack", b -> b.putInt(20, 0x1000), 0x100, "offset 0x14: stack_size 0x1000"));
    }

    static Arguments bad(String name, Consumer<ByteBuffer> patch, int length, String message) {
        return Arguments.of(name, patch, length, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void aBadHeaderIsAnUnsupportedImageNamingTheSourceAndField(String name, Consumer<ByteBuffer> patch, int length,
                                                               String message) {
        byte[] blob = SyntheticPurgatory.blob(LE, 0x80, 0x40, 0x40, 0x100, 62, Math.max(length, 64));
        ByteBuffer b = ByteBuffer.wrap(blob).order(LE);
        patch.accept(b);
        byte[] input = length < 64 ? Arrays.copyOf(blob, length) : blob;

        assertThatThrownBy(() -> PurgatoryImage.read(input, "/purgatory/x86_64.bin", LE))
                .isInstanceOfSatisfying(HandoffException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.UNSUPPORTED_IMAGE))
                .hasMessageStartingWith("/purgatory/x86_64.bin: ")
                .hasMessageContaining(message)
                .hasMessageNotContaining("\n");
    }

    @Test
    void aLittleEndianImageReadAsBigEndianHasTheWrongMagic() {
        assertThatThrownBy(() -> PurgatoryImage.read(SyntheticPurgatory.blob(), "x.bin", BE))
                .hasMessageContaining("magic 0x484f5047").hasMessageContaining("big-endian");
    }
}
