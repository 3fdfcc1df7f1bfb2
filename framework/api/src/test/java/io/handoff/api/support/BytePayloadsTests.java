package io.handoff.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BytePayloadsTests {
    private final byte[] eleven = "0123456789A".getBytes(StandardCharsets.US_ASCII);

    @Nested
    class Packing {
        @Test
        void littleEndianPutsTheFirstByteInTheLowBits() {
            assertThat(BytePayloads.pack(eleven, ByteOrder.LITTLE_ENDIAN))
                    .containsExactly(0x3736353433323130L, 0x0000000000413938L);
        }

        @Test
        void bigEndianPutsTheFirstByteInTheHighBits() {
            assertThat(BytePayloads.pack(eleven, ByteOrder.BIG_ENDIAN))
                    .containsExactly(0x3031323334353637L, 0x3839410000000000L);
        }

        @ParameterizedTest
        @CsvSource({"0, 0", "1, 1", "7, 1", "8, 1", "9, 2", "200, 25", "4096, 512"})
        void takesOneWordPerEightBytesRoundedUp(int length, int words) {
            assertThat(BytePayloads.words(length)).isEqualTo(words);
            assertThat(BytePayloads.pack(new byte[length], ByteOrder.BIG_ENDIAN)).hasSize(words);
        }
    }

    @Nested
    class Payloads {
        @ParameterizedTest
        @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
        void startWithTheLengthThenThePackedWords(String name) {
            ByteOrder order = name.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

            List<Long> payload = BytePayloads.payload(eleven, order);

            assertThat(payload).hasSize(3);
            assertThat(payload.get(0)).isEqualTo(11L);
            assertThat(payload.subList(1, 3)).isEqualTo(BytePayloads.pack(eleven, order));
        }

        @ParameterizedTest
        @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
        void roundTripAfterOtherOperands(String name) {
            ByteOrder order = name.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            List<Long> operands = new ArrayList<>(List.of(7L));

            BytePayloads.append(operands, eleven, order);

            assertThat(operands).hasSize(1 + 1 + 2);
            assertThat(operands.get(1)).isEqualTo(11L);
            assertThat(BytePayloads.read(operands, 1, order)).isEqualTo(eleven);
        }

        @Test
        void anEmptyPayloadIsJustItsLength() {
            assertThat(BytePayloads.payload(new byte[0], ByteOrder.LITTLE_ENDIAN)).containsExactly(0L);
            assertThat(BytePayloads.payload(new byte[0], ByteOrder.BIG_ENDIAN)).containsExactly(0L);
        }

        @Test
        void aPayloadRunningPastTheOperandsIsRefused() {
            assertThatThrownBy(() -> BytePayloads.read(List.of(9L, 1L), 0, ByteOrder.LITTLE_ENDIAN))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs past the 2 operands");
            assertThatThrownBy(() -> BytePayloads.read(List.of(-1L), 0, ByteOrder.LITTLE_ENDIAN))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("of length -1");
        }
    }
}
