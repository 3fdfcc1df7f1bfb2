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
    class WorstCase {
        private final KcsTransport defaults = LastWordsOptions.DEFAULTS.transport();

        @Test
        void transactionWaitsAreRequestBytesPlusControlCodesPlusTwoPerResponseByte() {
            assertThat(KcsTransport.transactionWaits(10)).isEqualTo(10 + 2 + 80);
        }

        @Test
        void panicEventWithDefaultsIsSixSecondsPerWaitOver386Waits() {
            // 4 transactions of 92 waits and 3 abort recoveries of 6; 5 s + 1 s of RTC resolution per wait
            assertThat(defaults.worstCase(10)).isEqualTo(Duration.ofSeconds(6L * (4 * 92 + 3 * 6)));
        }

        @ParameterizedTest
        @CsvSource({
            // timeout ms, retries, request bytes, expected seconds = wait bound × waits
            "250,   0,  2,   168", // (1 + 1) s × 84
            "1500,  1, 18,   618", // (2 + 1) s × (2 × 100 + 6)
            "60000, 10, 2, 60024", // 61 s × (11 × 84 + 10 × 6)
        })
        void scalesWithTimeoutAndRetries(long timeoutMillis, int retries, int length, long expectedSeconds) {
            KcsTransport kcs = new KcsTransport(0xCA2, 0xCA3, Duration.ofMillis(timeoutMillis), retries);
            assertThat(kcs.worstCase(length)).isEqualTo(Duration.ofSeconds(expectedSeconds));
        }

        @Test
        void operandsAreThePortsWaitInMicrosecondsAndRetries() {
            KcsTransport kcs = new KcsTransport(0xCA2, 0xCA3, Duration.ofNanos(1_500_001), 2);
            assertThat(kcs.operands()).containsExactly(0xCA2L, 0xCA3L, 1501L, 2L);
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
