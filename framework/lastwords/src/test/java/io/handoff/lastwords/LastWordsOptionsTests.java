package io.handoff.lastwords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.core.config.HandoffConfig;
import io.handoff.lastwords.LastWordsOptions.CpuIpOutput;
import io.handoff.lastwords.WatchdogTimer.TimeoutAction;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LastWordsOptionsTests {

    private static LastWordsOptions load(Map<String, String> overrides) {
        return LastWordsOptions.from(HandoffConfig.withoutFile(overrides).settings(LastWordsOptions.ROOT));
    }

    private static String key(String leaf) {
        return LastWordsOptions.ROOT + "." + leaf;
    }

    @Nested
    class ReferenceConf {
        @Test
        void defaultsAreKcsAt0xCA2With5SecondsAnd3RetriesAndNothingEnabled() {
            LastWordsOptions options = load(Map.of());
            assertThat(options).isEqualTo(LastWordsOptions.DEFAULTS);
            assertThat(options.dataPort()).isEqualTo(0xCA2);
            assertThat(options.statusPort()).isEqualTo(0xCA3);
            assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(options.deadline()).isEqualTo(Duration.ofSeconds(10));
            assertThat(options.transport().lastWordsBound()).isEqualTo(Duration.ofSeconds(11));
            assertThat(options.silent()).isTrue();
        }

        @Test
        void commandLineStyleOverridesAreBound() {
            LastWordsOptions options = load(Map.of(
                    key("kcs-ports"), "0xCA8, 3241",
                    key("timeout"), "250ms",
                    key("retries"), "0",
                    key("deadline"), "2500ms",
                    key("watchdog"), "start:300",
                    key("watchdog-action"), "power-cycle",
                    key("watchdog-dont-log"), "true",
                    key("panic-event"), "true",
                    key("panic-text"), "db01 crashed",
                    key("cpu-ip"), "console,sel"));
            assertThat(options).isEqualTo(new LastWordsOptions(0xCA8, 0xCA9, Duration.ofMillis(250), 0,
                    Duration.ofMillis(2500), new Watchdog.Start(300, TimeoutAction.POWER_CYCLE, true), true, true, true,
                    Optional.of("db01 crashed")));
        }

        @Test
        void retriesThatAreNoNumberFailValidationNamingThePath() {
            assertThatThrownBy(() -> load(Map.of(key("retries"), "many")))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessageContaining("handoff.last-words.retries");
        }
    }

    @Nested
    class BadValues {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "kcs-ports|0xCA2|expected two I/O ports DATA,STATUS",
            "kcs-ports|0xCA2,0x10000|'0x10000' is not an I/O port 0..0xFFFF",
            "kcs-ports|0xCA2,-1|'-1' is not an I/O port",
            "kcs-ports|0xCA2,0xCA2|must differ",
            "kcs-ports|ca2,ca3|'ca2' is not an I/O port",
            "watchdog|start:0|watchdog seconds must be 1..6553",
            "watchdog|start:6554|watchdog seconds must be 1..6553",
            "watchdog|start:soon|must be a number",
            "watchdog|reboot|expected start:SECONDS, stop or leave",
            "watchdog-action|reset|expected none, hard-reset, power-down or power-cycle",
            "cpu-ip|console,disk|'disk' is not a cpu-ip output",
            "timeout|0s|outside 1 ms .. 60 s",
            "timeout|61s|outside 1 ms .. 60 s",
            "retries|11|outside 0..10",
            "deadline|0s|outside 1 ms .. 600 s",
            "deadline|601s|outside 1 ms .. 600 s",
            "panic-text|this text is far too long to fit in the six SEL text records it may use|at most 66",
        })
        void failAsConfigurationNamingTheSetting(String leaf, String value, String problem) {
            assertThatThrownBy(() -> load(Map.of(key(leaf), value)))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessageStartingWith(key(leaf) + ": ")
                    .hasMessageContaining(problem)
                    .hasMessageNotContaining("\n");
        }

        @Test
        void nonAsciiPanicTextIsRefused() {
            assertThatThrownBy(() -> load(Map.of(key("panic-text"), "café")))
                    .isInstanceOf(HandoffException.class).hasMessageContaining("ASCII");
        }
    }

    @Nested
    class CommandLineSyntax {
        @Test
        void watchdogChoices() {
            assertThat(Watchdog.parse("leave", TimeoutAction.HARD_RESET, false, "--watchdog")).isSameAs(Watchdog.LEAVE);
            assertThat(Watchdog.parse("STOP", TimeoutAction.HARD_RESET, false, "--watchdog")).isSameAs(Watchdog.STOP);
            assertThat(Watchdog.parse("start:120", TimeoutAction.HARD_RESET, false, "--watchdog"))
                    .isEqualTo(new Watchdog.Start(120, TimeoutAction.HARD_RESET, false));
            assertThat(Watchdog.parse("start:6553", TimeoutAction.NONE, true, "--watchdog"))
                    .isEqualTo(new Watchdog.Start(6553, TimeoutAction.NONE, true));
        }

        @Test
        void errorsNameTheOption() {
            assertThatThrownBy(() -> LastWordsOptions.parsePorts("0xCA2", "--ipmi-kcs-ports"))
                    .hasMessageStartingWith("--ipmi-kcs-ports: '0xCA2': ");
            assertThatThrownBy(() -> Watchdog.parse("start:", TimeoutAction.NONE, false, "--watchdog"))
                    .hasMessageStartingWith("--watchdog: 'start:': ");
        }

        @Test
        void portsAcceptHexAndDecimalUpTo0xFFFF() {
            assertThat(LastWordsOptions.parsePorts("0xCA2,0xCA3", "--ipmi-kcs-ports")).containsExactly(0xCA2, 0xCA3);
            assertThat(LastWordsOptions.parsePorts("0,0xFFFF", "--ipmi-kcs-ports")).containsExactly(0, 0xFFFF);
        }

        @ParameterizedTest
        @CsvSource({"5s, 5000000000", "250ms, 250000000", "1.5s, 1500000000", "2m, 120000000000", "2min, 120000000000",
            "700us, 700000", "' 3 s ', 3000000000"})
        void durationsNeedAUnit(String text, long nanos) {
            assertThat(LastWordsOptions.parseDuration(text, "--ipmi-deadline")).isEqualTo(Duration.ofNanos(nanos));
        }

        @ParameterizedTest
        @CsvSource({"5", "soon", "-1s", "5 hours"})
        void aDurationWithoutAKnownUnitNamesTheOption(String text) {
            assertThatThrownBy(() -> LastWordsOptions.parseDuration(text, "--ipmi-timeout"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessage("--ipmi-timeout: '" + text + "' is not a duration; expected a number and a unit such "
                            + "as 5s, 250ms or 1.5s");
        }

        @Test
        void rangeChecksNameTheOption() {
            assertThatThrownBy(() -> LastWordsOptions.checkDeadline(Duration.ofMinutes(11), "--ipmi-deadline"))
                    .hasMessage("--ipmi-deadline: 660000 ms is outside 1 ms .. 600 s");
            assertThatThrownBy(() -> LastWordsOptions.checkTimeout(Duration.ZERO, "--ipmi-timeout"))
                    .hasMessage("--ipmi-timeout: 0 ms is outside 1 ms .. 60 s");
            assertThatThrownBy(() -> LastWordsOptions.checkRetries(-1, "--ipmi-retries"))
                    .hasMessage("--ipmi-retries: -1 is outside 0..10");
        }

        @Test
        void cpuIpOutputs() {
            assertThat(LastWordsOptions.parseCpuIp("", "--cpu-ip")).isEmpty();
            assertThat(LastWordsOptions.parseCpuIp("none", "--cpu-ip")).isEmpty();
            assertThat(LastWordsOptions.parseCpuIp("sel", "--cpu-ip")).containsExactly(CpuIpOutput.SEL);
            assertThat(LastWordsOptions.parseCpuIp("sel, console", "--cpu-ip"))
                    .containsExactly(CpuIpOutput.CONSOLE, CpuIpOutput.SEL);
        }
    }
}
