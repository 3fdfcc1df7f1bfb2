package io.handoff.lastwords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
}
