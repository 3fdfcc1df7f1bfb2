package io.handoff.simulator.bmc;

import static io.handoff.simulator.bmc.KcsHost.bytes;
import static io.handoff.simulator.bmc.KcsHost.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KcsBmcTests {
    private static final long CRASH_EPOCH = LocalDateTime.of(2024, 6, 1, 12, 0, 0).toEpochSecond(ZoneOffset.UTC);
    /** Add SEL Entry of a handoff CPU record: cpu 1, rip 0xffffffff99c01244. */
    private static final String ADD_CPU_1 = "28 44 0000 F1 20 01 4412C099FFFFFFFF 484F46";

    @Nested
    class TheStatusRegister {
        @Test
        void startsIdleWithNothingInEitherBuffer() {
            assertThat(KcsHost.healthy().status()).isEqualTo(0x00);
        }

        @Test
        void aControlCodeSetsIbfAndCdUntilTheBmcConsumesItAfterItsDelay() {
            KcsHost host = KcsHost.healthy();
            host.command(KcsBmc.WRITE_START);
            // consumed 20 µs after the write: the next 19 polls (1 µs each) still see IBF
            for (int i = 0; i < 19; i++) {
                assertThat(host.status()).isEqualTo(KcsBmc.IBF | KcsBmc.CD);
            }
            assertThat(host.status()).as("WRITE state, C/D still set, IBF clear").isEqualTo(0x80 | KcsBmc.CD);
        }

        @Test
        void aDataByteClearsCd() {
            KcsHost host = KcsHost.healthy();
            host.command(KcsBmc.WRITE_START);
            host.waitIbfClear();
            host.write(0x18);
            assertThat(host.status() & (KcsBmc.CD | KcsBmc.IBF)).isEqualTo(KcsBmc.IBF);
        }

        @Test
        void readingTheDataRegisterClearsObf() {
            KcsHost host = KcsHost.healthy();
            host.write(0x00); // a data byte in IDLE: ERROR
            assertThat(host.waitIbfClear()).isEqualTo(0xC0);
            host.command(KcsBmc.GET_STATUS_ABORT);
            host.waitIbfClear();
            host.write(0x00);
            assertThat(host.waitIbfClear()).isEqualTo(0x40 | KcsBmc.OBF);
            assertThat(host.data()).isEqualTo(KcsBmc.STATUS_ILLEGAL_CONTROL_CODE);
            assertThat(host.status()).isEqualTo(0x40);
        }
    }

    @Nested
    class Transactions {
        @Test
        void getDeviceIdAnswersAsABmcWithASel() {
            KcsHost host = KcsHost.healthy();
            assertThat(hex(host.transact(bytes("18 01"))))
                    .isEqualTo("1C 01 00 20 81 01 23 02 0D 57 01 00 48 00");
            assertThat(host.bmc.state()).isEqualTo(KcsBmc.State.IDLE);
        }

        @Test
        void anUnknownCommandIsInvalid() {
            assertThat(hex(KcsHost.healthy().transact(bytes("18 99 01")))).isEqualTo("1C 99 C1");
        }

        @Test
        void theResponseCarriesTheRequestsLun() {
            assertThat(hex(KcsHost.healthy().transact(bytes("19 99")))).isEqualTo("1D 99 C1");
        }

        @Test
        void eachExchangeIsRecorded() {
            KcsHost host = KcsHost.healthy();
            host.transact(bytes("18 01"));
            host.transact(bytes("18 99"));
            assertThat(host.bmc.report().exchanges()).extracting(KcsBmc.Exchange::request, KcsBmc.Exchange::response)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("18 01",
                            "1C 01 00 20 81 01 23 02 0D 57 01 00 48 00"), org.assertj.core.groups.Tuple.tuple("18 99",
                            "1C 99 C1"));
        }

        @Test
        void theAbortRecoveryReportsTheStatusCodeAndLeavesTheInterfaceIdle() {
            KcsHost host = KcsHost.healthy();
            host.command(0x55); // no such control code
            assertThat(host.waitIbfClear() >> 6).isEqualTo(3);
            assertThat(host.abort()).isEqualTo(KcsBmc.STATUS_ILLEGAL_CONTROL_CODE);
            assertThat(host.status()).isEqualTo(0x00);
            assertThat(hex(host.transact(bytes("18 01")))).startsWith("1C 01 00");
        }

        @Test
        void aWriteStartInTheMiddleOfAWriteStartsOver() {
            KcsHost host = KcsHost.healthy();
            host.command(KcsBmc.WRITE_START);
            host.waitIbfClear();
            host.write(0x18);
            host.waitIbfClear();
            host.command(KcsBmc.WRITE_START);
            assertThat(host.waitIbfClear()).isEqualTo(0x80 | KcsBmc.CD);
            host.write(0x18);
            host.waitIbfClear();
            host.command(KcsBmc.WRITE_END);
            host.waitIbfClear();
            host.write(0x22);
            assertThat(host.waitIbfClear()).as("READ, the first response byte waiting").isEqualTo(0x40 | KcsBmc.OBF);
            assertThat(host.bmc.report().exchanges()).extracting(KcsBmc.Exchange::request).containsExactly("18 22");
        }
    }

    @Nested
    class TheWatchdog {
        @Test
        void resetBeforeAnySetIsNotInitialised() {
            assertThat(hex(KcsHost.healthy().transact(bytes("18 22")))).isEqualTo("1C 22 80");
        }

        @Test
        void setThenResetStartsTheCountdownOnVirtualTime() {
            KcsHost host = KcsHost.healthy();
            assertThat(hex(host.transact(bytes("18 24 44 01 00 00 B0 04")))).isEqualTo("1C 24 00");
            assertThat(host.bmc.watchdog().running()).as("Set alone does not start it").isFalse();
            assertThat(hex(host.transact(bytes("18 22")))).isEqualTo("1C 22 00");
            host.now[0] += 30_000_000_000L;
            // use SMS/OS | running, hard reset, initial 120.0 s, present 90.0 s (100 ms units)
            assertThat(hex(host.transact(bytes("18 25")))).isEqualTo("1C 25 00 44 01 00 00 B0 04 84 03");
            WatchdogState state = host.bmc.watchdog();
            assertThat(state.running()).isTrue();
            assertThat(state.initialSeconds()).isEqualTo(120.0);
            assertThat(state.actionName()).isEqualTo("hard reset");
            assertThat(state.describe()).isEqualTo(
                    "watchdog: running, 120 s countdown (90 s left), SMS/OS, on expiry: hard reset, logged in the SEL");
        }

        @Test
        void expiringWithAHardResetResetsTheMachineAndLogsIt() {
            KcsHost host = KcsHost.healthy();
            host.transact(bytes("18 24 44 01 00 00 0A 00")); // 1 s
            host.transact(bytes("18 22"));
            long started = host.now[0];
            host.now[0] += 2_000_000_000L;
            BmcReport report = host.bmc.report();

            assertThat(report.resets()).hasSize(1);
            // the countdown started when the BMC consumed Reset's last byte, a little before the host finished
            assertThat(report.resets().get(0).toNanos()).isBetween(started + 1_000_000_000L - 1_000_000,
                    started + 1_000_000_000L);
            assertThat(report.watchdog().running()).isFalse();
            assertThat(report.watchdog().expirationFlags()).isEqualTo(0x10);
            assertThat(report.events()).anyMatch(e -> e.endsWith("the BMC watchdog (SMS/OS) expired: hard reset"))
                    .anyMatch(e -> e.endsWith("the BMC hard-reset the machine"));
            assertThat(report.sel()).singleElement().satisfies(e -> {
                assertThat(e.systemEvent().orElseThrow().sensorType()).isEqualTo(0x23);
                assertThat(e.describe()).contains("from slave address 0x20 (the BMC): Watchdog 2",
                        "assertion of hard reset");
            });
        }

        @Test
        void setWithoutDontStopStopsARunningTimer() {
            KcsHost host = KcsHost.healthy();
            host.transact(bytes("18 24 44 01 00 00 B0 04"));
            host.transact(bytes("18 22"));
            assertThat(hex(host.transact(bytes("18 24 04 00 00 00 64 00")))).isEqualTo("1C 24 00");
            host.now[0] += 500_000_000_000L;
            assertThat(host.bmc.report().resets()).isEmpty();
            assertThat(host.bmc.watchdog().describe()).startsWith("watchdog: stopped, 10 s countdown loaded");
        }

        @Test
        void aDontLogTimerExpiresWithoutASelEntry() {
            KcsHost host = KcsHost.healthy();
            host.transact(bytes("18 24 C4 00 00 00 01 00"));
            host.transact(bytes("18 22"));
            host.now[0] += 1_000_000_000L;
            assertThat(host.bmc.report().sel()).isEmpty();
            assertThat(host.bmc.report().resets()).as("no action").isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource({"reserved use 0, 18 24 40 01 00 00 B0 04, 1C 24 CC",
            "reserved action 4, 18 24 44 04 00 00 B0 04, 1C 24 CC",
            "pre-timeout longer than the countdown, 18 24 44 11 0B 00 64 00, 1C 24 CC",
            "five data bytes, 18 24 44 01 00 00 B0, 1C 24 C7"})
        void badSetsAreRefused(String name, String request, String response) {
            assertThat(hex(KcsHost.healthy().transact(bytes(request)))).isEqualTo(response);
        }
    }

    @Nested
    class TheSystemEventLog {
        @Test
        void aPlatformEventMessageIsStoredAsATimestampedSystemEvent() {
            KcsHost host = KcsHost.healthy();
            host.now[0] = 3_500_000_000L;
            assertThat(hex(host.transact(bytes("10 02 43 03 20 68 6F A1 61 6E")))).isEqualTo("14 02 00");
            SelEntry e = host.bmc.report().sel().get(0);
            long stamp = CRASH_EPOCH + 3;
            assertThat(hex(e.bytes())).isEqualTo(String.format("01 00 02 %02X %02X %02X %02X 43 00 03 20 68 6F A1 61 6E",
                    stamp & 0xFF, stamp >> 8 & 0xFF, stamp >> 16 & 0xFF, stamp >> 24 & 0xFF));
            assertThat(e.describe()).isEqualTo("SEL #1: 2024-06-01 12:00:03 system event from software id 0x21 "
                    + "(handoff purgatory): OS Critical Stop, sensor 0x68 'h', assertion of run-time critical stop, "
                    + "OEM codes 'han'; data a1 61 6e");
        }

        @Test
        void addSelEntryAssignsRecordIdsFromOne() {
            KcsHost host = KcsHost.healthy();
            assertThat(hex(host.transact(bytes("28 44 0000 F0 20 00 68616E646F666620746F20")))).isEqualTo("2C 44 00 01 00");
            assertThat(hex(host.transact(bytes(ADD_CPU_1)))).isEqualTo("2C 44 00 02 00");
            BmcReport report = host.bmc.report();
            assertThat(report.sel()).extracting(SelEntry::describe).containsExactly(
                    "SEL #1: OEM text 0 from 0x20: \"handoff to \"",
                    "SEL #2: handoff CPU record: cpu 1 ip 0xffffffff99c01244");
            assertThat(report.cpuIps()).containsExactly(new SelEntry.CpuIp(1, 0xffffffff99c01244L));
            assertThat(report.text()).isEqualTo("handoff to ");
        }

        @Test
        void getSelInfoAndGetSelEntryReadItBack() {
            KcsHost host = KcsHost.healthy();
            host.transact(bytes(ADD_CPU_1));
            host.transact(bytes("28 44 0000 F0 20 00 41 00000000000000000000")); // a short text piece, zero padded
            assertThat(hex(host.transact(bytes("28 40")))).startsWith("2C 40 00 51 02 00");
            assertThat(hex(host.transact(bytes("28 43 0000 0000 00 FF"))))
                    .isEqualTo("2C 43 00 02 00 01 00 F1 20 01 44 12 C0 99 FF FF FF FF 48 4F 46");
            assertThat(hex(host.transact(bytes("28 43 0000 FFFF 05 01")))).isEqualTo("2C 43 00 FF FF 41");
            assertThat(hex(host.transact(bytes("28 43 0000 0900 00 FF")))).isEqualTo("2C 43 CB");
        }

        @Test
        void anAddSelEntryOfTheWrongLengthIsRefused() {
            KcsHost host = KcsHost.healthy();
            assertThat(hex(host.transact(bytes("28 44 0000 F0")))).isEqualTo("2C 44 C7");
            assertThat(host.bmc.report().sel()).isEmpty();
        }
    }

    @Nested
    class Faults {
        @Test
        void anAbsentBmcReadsAllOnesAndIgnoresWrites() {
            KcsHost host = KcsHost.with(BmcFault.ABSENT);
            host.command(KcsBmc.WRITE_START);
            host.now[0] += 1_000_000_000L;
            assertThat(host.status()).isEqualTo(0xFF);
            assertThat(host.data()).isEqualTo(0xFF);
            assertThat(host.bmc.report().lines()).containsExactly(
                    "The BMC (KCS at 0xca2/0xca3): none answered (absent (both KCS ports read 0xff)); nothing was recorded.");
        }

        @Test
        void aHungBmcNeverClearsIbf() {
            KcsHost host = KcsHost.with(BmcFault.NEVER_CLEARS_IBF);
            host.command(KcsBmc.WRITE_START);
            host.now[0] += 3_600_000_000_000L;
            assertThat(host.status() & KcsBmc.IBF).isEqualTo(KcsBmc.IBF);
            host.command(KcsBmc.GET_STATUS_ABORT);
            host.now[0] += 3_600_000_000_000L;
            assertThat(host.status()).isEqualTo(KcsBmc.IBF | KcsBmc.CD);
            assertThat(host.bmc.overruns()).isEqualTo(1);
        }

        @Test
        void anErrorStateBmcFailsEveryWriteButRecovers() {
            KcsHost host = KcsHost.with(BmcFault.ERROR_STATE);
            assertThatThrownBy(() -> host.transact(bytes("18 01"))).hasMessageContaining("state 3, expected 2");
            assertThat(host.abort()).isEqualTo(KcsBmc.STATUS_ILLEGAL_CONTROL_CODE);
            assertThat(KcsHost.state(host.status())).isZero();
            assertThatThrownBy(() -> host.transact(bytes("18 01"))).hasMessageContaining("state 3, expected 2");
        }

        @Test
        void aSlowBmcTakesASecondPerByte() {
            KcsHost host = KcsHost.with(BmcFault.SLOW);
            host.command(KcsBmc.WRITE_START);
            host.now[0] += 998_000_000L;
            assertThat(host.status() & KcsBmc.IBF).isEqualTo(KcsBmc.IBF);
            host.now[0] += 2_000_000L;
            assertThat(host.status() & KcsBmc.IBF).isZero();
            // Get Device ID: WRITE_START, 2 bytes, WRITE_END, then 14 READs (13 more response bytes and the end): 18 s
            KcsHost other = KcsHost.with(BmcFault.SLOW);
            assertThat(hex(other.transact(bytes("18 01")))).startsWith("1C 01 00");
            assertThat(other.now[0] / 1_000_000_000L).isEqualTo(18);
        }

        @Test
        void garbageCompletionCodesFailEverythingAndNothingIsDone() {
            KcsHost host = KcsHost.with(BmcFault.GARBAGE_CC);
            assertThat(hex(host.transact(bytes("10 02 43 03 20 68 6F A1 61 6E")))).isEqualTo("14 02 C3");
            assertThat(hex(host.transact(bytes(ADD_CPU_1)))).isEqualTo("2C 44 D5");
            assertThat(hex(host.transact(bytes("18 22")))).isEqualTo("1C 22 FF");
            assertThat(host.bmc.report().sel()).isEmpty();
        }

        @Test
        void droppedBytesGarbleTheRequest() {
            KcsHost host = KcsHost.with(BmcFault.DROPS_BYTES);
            // the BMC sees bytes 0, 2, 4 … 16 only: 28 00 F1 01 12 99 FF FF 4F, NetFn Storage, command 0x00
            assertThat(hex(host.transact(bytes(ADD_CPU_1)))).isEqualTo("2C 00 C1");
            assertThat(host.bmc.report().exchanges().get(0).request()).isEqualTo("28 00 F1 01 12 99 FF FF 4F");
            assertThat(host.bmc.report().sel()).isEmpty();
        }

        @Test
        void aWrongHeaderEchoesTheRequestNetFnButTheWorkIsDone() {
            KcsHost host = KcsHost.with(BmcFault.WRONG_HEADER);
            assertThat(hex(host.transact(bytes(ADD_CPU_1)))).isEqualTo("28 44 00 01 00");
            assertThat(host.bmc.report().cpuIps()).containsExactly(new SelEntry.CpuIp(1, 0xffffffff99c01244L));
        }

        @ParameterizedTest
        @CsvSource({"absent, ABSENT", "stuck-ibf, NEVER_CLEARS_IBF", "error, ERROR_STATE", "slow, SLOW",
            "garbage-cc, GARBAGE_CC", "drops-bytes, DROPS_BYTES", "wrong-header, WRONG_HEADER", "NONE, NONE"})
        void areNamedOnTheCommandLine(String id, BmcFault fault) {
            assertThat(BmcFault.of(id)).isEqualTo(fault);
        }

        @Test
        void anUnknownFaultNameListsTheKnownOnes() {
            assertThatThrownBy(() -> BmcFault.of("sleepy")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'sleepy' is not a BMC fault; expected one of none, absent, stuck-ibf, error, slow, "
                            + "garbage-cc, drops-bytes, wrong-header");
        }
    }

    @Nested
    class TheReport {
        @Test
        void listsTheSelTheJoinedTextAndTheWatchdog() {
            KcsHost host = KcsHost.healthy();
            host.transact(bytes("10 02 43 03 20 68 6F A1 61 6E"));
            host.transact(bytes("28 44 0000 F0 20 01 63617074757265 00000000")); // "capture", sequence 1
            host.transact(bytes("28 44 0000 F0 20 00 68616E646F666620746F20")); // "handoff to ", sequence 0
            host.transact(bytes("18 24 44 01 00 00 B0 04"));
            host.transact(bytes("18 22"));
            assertThat(host.bmc.report().lines()).containsExactly(
                    "The BMC (KCS at 0xca2/0xca3) recorded:",
                    "  SEL #1: 2024-06-01 12:00:00 system event from software id 0x21 (handoff purgatory): OS Critical "
                            + "Stop, sensor 0x68 'h', assertion of run-time critical stop, OEM codes 'han'; data a1 61 6e",
                    "  SEL #2: OEM text 1 from 0x20: \"capture\"",
                    "  SEL #3: OEM text 0 from 0x20: \"handoff to \"",
                    "  SEL text records joined: \"handoff to capture\"",
                    "  watchdog: running, 120 s countdown (120 s left), SMS/OS, on expiry: hard reset, logged in the SEL",
                    "  (5 requests answered, " + host.bmc.report().portAccesses() + " port accesses)");
            assertThat(host.bmc.report().portAccesses()).isGreaterThan(100);
        }

        @Test
        void anUntouchedBmcHasNothingToSay() {
            assertThat(KcsHost.healthy().bmc.report().touched()).isFalse();
        }

        @Test
        void anOverlongRequestIsALengthError() {
            KcsHost host = KcsHost.healthy();
            host.command(KcsBmc.WRITE_START);
            for (int i = 0; i <= KcsBmc.MAX_REQUEST; i++) {
                host.waitIbfClear();
                host.write(0x18);
            }
            assertThat(host.waitIbfClear() >> 6).isEqualTo(3);
            assertThat(host.abort()).isEqualTo(KcsBmc.STATUS_LENGTH_ERROR);
            assertThat(Duration.ofNanos(host.now[0])).isPositive();
        }
    }
}
