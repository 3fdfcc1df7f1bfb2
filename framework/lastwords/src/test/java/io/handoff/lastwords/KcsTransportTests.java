package io.handoff.lastwords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KcsTransportTests {

    @Nested
    class TheLastWordsDeadline {
        @Test
        void boundsAllLastWordsByTheDeadlinePlusOneSecondOfRtcResolution() {
            assertThat(LastWordsOptions.DEFAULTS.transport().lastWordsBound()).isEqualTo(Duration.ofSeconds(11));
        }

        @ParameterizedTest
        @CsvSource({
            // deadline ms, expected bound ms: whole seconds, rounded up, plus one
            "1,      2000",
            "1000,   2000",
            "2500,   4000",
            "600000, 601000",
        })
        void roundsTheDeadlineUpToWholeSeconds(long deadlineMillis, long boundMillis) {
            KcsTransport kcs = new KcsTransport(0xCA2, 0xCA3, Duration.ofSeconds(5), 3, Duration.ofMillis(deadlineMillis));
            assertThat(kcs.lastWordsBound()).isEqualTo(Duration.ofMillis(boundMillis));
        }

        @Test
        void operandsAreThePortsWaitInMicrosecondsRetriesAndDeadlineInMicroseconds() {
            KcsTransport kcs = new KcsTransport(0xCA2, 0xCA3, Duration.ofNanos(1_500_001), 2, Duration.ofSeconds(10));
            assertThat(kcs.operands()).containsExactly(0xCA2L, 0xCA3L, 1501L, 2L, 10_000_000L);
            assertThat(KcsTransport.decode(kcs.operands())).isEqualTo(new KcsTransport(0xCA2, 0xCA3,
                    Duration.ofNanos(1_501_000), 2, Duration.ofSeconds(10)));
        }

        @Test
        void decodingNeedsAllFiveOperands() {
            assertThatThrownBy(() -> KcsTransport.decode(List.of(0xCA2L, 0xCA3L, 1L, 0L)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("KCS transport: 4 operands, need 5");
        }
    }

    @Nested
    class BytePayloads {
        private final byte[] eleven = "0123456789A".getBytes(StandardCharsets.US_ASCII);

        @Test
        void littleEndianPutsTheFirstByteInTheLowBits() {
            assertThat(StepOperands.pack(eleven, ByteOrder.LITTLE_ENDIAN))
                    .containsExactly(0x3736353433323130L, 0x0000000000413938L);
        }

        @Test
        void bigEndianPutsTheFirstByteInTheHighBits() {
            assertThat(StepOperands.pack(eleven, ByteOrder.BIG_ENDIAN))
                    .containsExactly(0x3031323334353637L, 0x3839410000000000L);
        }

        @Test
        void lengthThenWordsRoundTrip() {
            for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
                List<Long> operands = new ArrayList<>(List.of(7L));
                StepOperands.appendBytes(operands, eleven, order);
                assertThat(operands).hasSize(1 + 1 + 2);
                assertThat(operands.get(1)).isEqualTo(11L);
                assertThat(StepOperands.readBytes(operands, 1, order)).isEqualTo(eleven);
            }
        }

        @Test
        void emptyPayloadIsJustItsLength() {
            List<Long> operands = new ArrayList<>();
            StepOperands.appendBytes(operands, new byte[0], ByteOrder.LITTLE_ENDIAN);
            assertThat(operands).containsExactly(0L);
        }

        @Test
        void payloadRunningPastTheOperandsIsRejected() {
            assertThatThrownBy(() -> StepOperands.readBytes(List.of(9L, 1L), 0, ByteOrder.LITTLE_ENDIAN))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs past the 2 operands");
        }
    }
}
