package io.handoff.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TransferRateTests {
    @ParameterizedTest
    @CsvSource({
        // rate, bytes, micros: rounded up to a microsecond
        "200000000, 0,         0",
        "200000000, 1,         1",
        "200000000, 200,       1",
        "200000000, 201,       2",
        "200000000, 0x9ec00,   3252",
        "100000000, 0x2000,    82",
        "50000000,  0xfef0000, 5346427",
    })
    void boundsTheBytesRoundedUpToAMicrosecond(long rate, String bytes, long micros) {
        assertThat(new TransferRate(rate).time(Long.decode(bytes))).isEqualTo(Duration.of(micros, ChronoUnit.MICROS));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 4096, 0x2000, 0x9EC00, 0xFEF0000L, 123_456_789L})
    void countingEveryByteTwiceIsHalfTheRate(long bytes) {
        long rate = 200_000_000L;
        // what a platform counting the read and the write of each byte computed: ceil(2 × bytes / rate)
        Duration twice = Duration.of((2 * bytes * 1_000_000 + rate - 1) / rate, ChronoUnit.MICROS);
        Duration fourTimes = Duration.of((4 * bytes * 1_000_000 + rate - 1) / rate, ChronoUnit.MICROS);

        assertThat(new TransferRate(rate / 2).time(bytes)).isEqualTo(twice);
        assertThat(new TransferRate(rate / 4).time(bytes)).isEqualTo(fourTimes);
    }

    @Test
    void refusesARateBelowOneBytePerSecondAndNegativeCounts() {
        assertThatThrownBy(() -> new TransferRate(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 byte per second");
        assertThatThrownBy(() -> new TransferRate(1).time(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }
}
