package io.handoff.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CmosRtcTests {
    static final LocalDateTime START = LocalDateTime.of(2024, 12, 31, 23, 59, 58); // a Tuesday

    VirtualClock clock = new VirtualClock();

    PortBus bus(CmosRtc rtc) {
        return new PortBus(clock).map(0x70, 2, rtc);
    }

    static int read(PortBus bus, int register) {
        bus.outb(0x70, register);
        return bus.inb(0x71);
    }

    @Nested
    class Encoding {
        @ParameterizedTest(name = "register {0}: BCD {1}, binary {2}")
        @CsvSource({"0x00, 0x58, 58", "0x02, 0x59, 59", "0x04, 0x23, 23", "0x06, 0x03, 3", "0x07, 0x31, 31",
            "0x08, 0x12, 12", "0x09, 0x24, 24"})
        void timeRegistersInBcdAndBinary(String register, String bcd, int binary) {
            int r = Integer.decode(register);
            assertThat(new CmosRtc(clock, START, CmosRtc.HOUR_24, CmosRtc.Fault.NONE).read(r)).isEqualTo(Integer.decode(bcd));
            assertThat(new CmosRtc(clock, START, CmosRtc.HOUR_24 | CmosRtc.DM_BINARY, CmosRtc.Fault.NONE).read(r))
                    .isEqualTo(binary);
        }

        @Test
        void twelveHourModeSetsBit7ForPm() {
            assertThat(new CmosRtc(clock, START, 0, CmosRtc.Fault.NONE).read(0x04)).isEqualTo(0x80 | 0x11);
            assertThat(new CmosRtc(clock, START.withHour(0), CmosRtc.DM_BINARY, CmosRtc.Fault.NONE).read(0x04))
                    .isEqualTo(12);
        }

        @Test
        void statusRegistersAndRamThroughThePorts() {
            CmosRtc rtc = new CmosRtc(clock, START, 0x06, CmosRtc.Fault.NONE);
            PortBus bus = bus(rtc);
            assertThat(read(bus, 0x0B)).isEqualTo(0x06);
            assertThat(read(bus, 0x0C)).isZero();
            assertThat(read(bus, 0x0D)).isEqualTo(0x80);
            assertThat(read(bus, 0x0A) & 0x7F).isEqualTo(0x26);
            bus.outb(0x70, 0x80 | 0x30); // NMI-disable bit set: same register
            bus.outb(0x71, 0x77);
            assertThat(read(bus, 0x30)).isEqualTo(0x77);
            assertThat(bus.inb(0x70)).isEqualTo(0xFF);
        }
    }

    @Nested
    class Timing {
        @Test
        void secondsAdvanceWithTheVirtualClockOnlyAfterEachUpdateCycle() {
            CmosRtc rtc = new CmosRtc(clock, START, CmosRtc.HOUR_24 | CmosRtc.DM_BINARY, CmosRtc.Fault.NONE);
            assertThat(rtc.read(0x00)).isEqualTo(58);
            clock.advance(CmosRtc.FIRST_BOUNDARY_NS + 1_000_000); // inside the first update
            assertThat(rtc.read(0x00)).isEqualTo(58);
            clock.advance(CmosRtc.UPDATE_NS);
            assertThat(rtc.read(0x00)).isEqualTo(59);
            clock.advance(1_000_000_000L);
            // 23:59:59 -> 00:00:00 on 2025-01-01
            assertThat(rtc.read(0x00)).isZero();
            assertThat(rtc.read(0x04)).isZero();
            assertThat(rtc.read(0x09)).isEqualTo(25);
        }

        @Test
        void uipRises244UsBeforeEachBoundaryAndFallsWhenTheUpdateEnds() {
            CmosRtc rtc = CmosRtc.pcDefault(clock, START);
            long boundary = CmosRtc.FIRST_BOUNDARY_NS + 1_000_000_000L;
            clock.advance(boundary - CmosRtc.UIP_LEAD_NS - 1);
            assertThat(rtc.read(0x0A) & CmosRtc.UIP).isZero();
            clock.advance(1);
            assertThat(rtc.read(0x0A) & CmosRtc.UIP).isEqualTo(CmosRtc.UIP);
            clock.advance(CmosRtc.UIP_LEAD_NS + CmosRtc.UPDATE_NS - 1);
            assertThat(rtc.read(0x0A) & CmosRtc.UIP).isEqualTo(CmosRtc.UIP);
            clock.advance(1);
            assertThat(rtc.read(0x0A) & CmosRtc.UIP).isZero();
        }

        @Test
        void aPollingReaderWaitingForUipToClearSeesItWithinOneUpdate() {
            CmosRtc rtc = CmosRtc.pcDefault(clock, START);
            PortBus bus = bus(rtc);
            clock.advance(CmosRtc.FIRST_BOUNDARY_NS - 100_000);
            int polls = 0;
            while ((read(bus, 0x0A) & CmosRtc.UIP) != 0 || polls == 0) {
                polls++;
            }
            assertThat(clock.nanos()).isBetween(CmosRtc.FIRST_BOUNDARY_NS + CmosRtc.UPDATE_NS,
                    CmosRtc.FIRST_BOUNDARY_NS + CmosRtc.UPDATE_NS + 3_000);
        }
    }

    @Nested
    class Faults {
        @Test
        void frozenTimeNeverAdvancesAndNeverUpdates() {
            CmosRtc rtc = new CmosRtc(clock, START, CmosRtc.HOUR_24, CmosRtc.Fault.FROZEN);
            for (int i = 0; i < 50; i++) {
                clock.advance(123_456_789L);
                assertThat(rtc.read(0x00)).isEqualTo(0x58);
                assertThat(rtc.read(0x0A) & CmosRtc.UIP).isZero();
            }
        }

        @Test
        void uipStuckNeverClearsWhileTheTimeStillAdvances() {
            CmosRtc rtc = new CmosRtc(clock, START, CmosRtc.HOUR_24, CmosRtc.Fault.UIP_STUCK);
            assertThat(rtc.read(0x0A) & CmosRtc.UIP).isEqualTo(CmosRtc.UIP);
            clock.advance(5_000_000_000L);
            assertThat(rtc.read(0x0A) & CmosRtc.UIP).isEqualTo(CmosRtc.UIP);
            assertThat(rtc.read(0x00)).isEqualTo(0x03);
        }

        @Test
        void jumpingTimeLeapsBackAndForthByHours() {
            CmosRtc rtc = new CmosRtc(clock, START, CmosRtc.HOUR_24 | CmosRtc.DM_BINARY, CmosRtc.Fault.JUMPING);
            assertThat(rtc.shownTime(clock.nanos())).isEqualTo(START);
            clock.advance(CmosRtc.JUMP_PERIOD_NS);
            assertThat(rtc.shownTime(clock.nanos())).isEqualTo(START.minusHours(3).minusMinutes(17).minusSeconds(23));
            assertThat(rtc.read(0x04)).isEqualTo(20);
            clock.advance(CmosRtc.JUMP_PERIOD_NS);
            assertThat(rtc.shownTime(clock.nanos())).isEqualTo(START.plusHours(9).plusMinutes(41).plusSeconds(7));
            assertThat(rtc.read(0x04)).isEqualTo(9);
        }
    }
}
