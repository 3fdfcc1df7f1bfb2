package io.handoff.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Uart16550Tests {
    VirtualClock clock;
    Uart16550 uart;
    PortBus bus;

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        uart = new Uart16550(0x3F8, clock);
        bus = new PortBus(clock).map(0x3F8, 8, uart);
    }

    /** Send a byte the way a polling driver does: wait for THRE, then write THR. */
    void put(int c) {
        while ((bus.inb(0x3FD) & Uart16550.LSR_THRE) == 0) {
            // busy-wait: each poll costs virtual time
        }
        bus.outb(0x3F8, c);
    }

    @Nested
    class Registers {
        @Test
        void dlabSwitchesOffsets0And1ToTheDivisorLatch() {
            bus.outb(0x3FB, 0x83);
            bus.outb(0x3F8, 0x0C);
            bus.outb(0x3F9, 0x00);
            bus.outb(0x3FB, 0x03);
            assertThat(uart.divisor()).isEqualTo(12);
            assertThat(uart.lineControl()).isEqualTo(0x03);
            assertThat(uart.text()).as("divisor writes are not transmitted").isEmpty();
            bus.outb(0x3F9, 0x05);
            assertThat(bus.inb(0x3F9)).as("IER without DLAB").isEqualTo(0x05);
            bus.outb(0x3FB, 0x83);
            assertThat(bus.inb(0x3F8)).isEqualTo(12);
        }

        @Test
        void iirShowsNoInterruptAndTheFifoBitsAfterFcr() {
            assertThat(bus.inb(0x3FA)).isEqualTo(0x01);
            bus.outb(0x3FA, 0x07);
            assertThat(bus.inb(0x3FA)).isEqualTo(0xC1);
        }

        @Test
        void scratchMcrAndMsrBehaveLikeA16550() {
            bus.outb(0x3FF, 0x5A);
            bus.outb(0x3FC, 0xFF);
            assertThat(bus.inb(0x3FF)).isEqualTo(0x5A);
            assertThat(bus.inb(0x3FC)).isEqualTo(0x1F);
            assertThat(bus.inb(0x3FE)).isEqualTo(0xB0);
        }

        @Test
        void anIdleTransmitterReportsThreAndTemtAndNoData() {
            assertThat(bus.inb(0x3FD)).isEqualTo(0x60);
        }
    }

    @Nested
    class Transmit {
        @ParameterizedTest(name = "divisor {0}, LCR {1}: {2} ns per character")
        @CsvSource({"1, 0x03, 86805", "12, 0x03, 1041666", "1, 0x07, 95486", "1, 0x0B, 95486"})
        void characterTimeFollowsDivisorAndFrame(int divisor, String lcr, long ns) {
            bus.outb(0x3FB, 0x80);
            bus.outb(0x3F8, divisor);
            bus.outb(0x3FB, Integer.decode(lcr));
            assertThat(uart.characterTimeNs()).isEqualTo(ns);
        }

        @Test
        void threIsClearUntilTheCharacterHasLeft() {
            bus.outb(0x3F8, 'A');
            assertThat(bus.inb(0x3FD) & 0x60).isZero();
            clock.advance(uart.characterTimeNs());
            assertThat(bus.inb(0x3FD) & 0x60).isEqualTo(0x60);
        }

        @Test
        void capturesTextAndTimesEachLineAtItsNewline() {
            for (char c : "hello\r\nworld\n".toCharArray()) {
                put(c);
            }
            assertThat(uart.text()).isEqualTo("hello\r\nworld\n");
            assertThat(uart.lines()).extracting(ConsoleLine::text).containsExactly("hello", "world");
            // 13 characters at 115200 8N1 take 13 * 86.8 us; each is sent after the previous one left
            Duration second = uart.lines().get(1).at();
            assertThat(second.toNanos()).isBetween(12 * 86_805L, 12 * 86_805L + 13 * 2_000L);
            assertThat(uart.overruns()).isZero();
        }

        @Test
        void writingWhileBusyIsCountedAsAnOverrun() {
            bus.outb(0x3F8, 'a');
            bus.outb(0x3F8, 'b');
            assertThat(uart.overruns()).isEqualTo(1);
        }
    }

    @Nested
    class StuckFault {
        @Test
        void threNeverSetsAndNothingReachesTheLine() {
            uart.stuck();
            bus.outb(0x3F8, 'x');
            clock.advance(10_000_000_000L);
            assertThat(bus.inb(0x3FD) & Uart16550.LSR_THRE).isZero();
            assertThat(uart.text()).isEmpty();
            assertThat(uart.bytesWritten()).isEqualTo(1);
        }
    }
}
