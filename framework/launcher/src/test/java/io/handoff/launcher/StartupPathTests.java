package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;

/** What start-up skips, and that skipping it changes nothing a user sees. */
class StartupPathTests {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Nested
    class Version {
        @ParameterizedTest
        @ValueSource(strings = {"--version", "-V"})
        void isOneLineFromMainAlone(String option) {
            assertThat(run(option)).isZero();
            // tests run from classes, not the jar: no manifest version
            assertThat(out.toString()).isEqualTo("handoff (development build)" + System.lineSeparator());
            assertThat(err.toString()).isEmpty();
        }

        @Test
        void picocliReportsTheSameLine() {
            assertThat(new io.handoff.launcher.Version().getVersion()).containsExactly(Main.versionLine());
        }
    }

    @Nested
    class Subcommands {
        private static final String[] ALL = {"platforms", "plan", "capture", "load", "unload", "status", "estimate",
            "exec", "simulate", "matrix", "version", "help"};

        @Test
        void aNamedSubcommandIsTheOnlyModelBuilt() {
            assertThat(HandoffCommand.commandLine(new String[] {"plan", "--help"}).getSubcommands())
                    .containsOnlyKeys("plan");
        }

        @Test
        void withoutOneEveryModelIsBuiltInHelpOrder() {
            assertThat(HandoffCommand.commandLine(new String[] {"--help"}).getSubcommands().keySet())
                    .containsExactly(ALL);
        }

        @Test
        void topLevelHelpListsEverySubcommand() {
            assertThat(run("--help")).isZero();
            for (String name : ALL) {
                assertThat(out.toString()).containsPattern("(?m)^\\s+" + name + "\\s");
            }
        }

        @Test
        void aMistypedSubcommandIsAUsageError() {
            assertThat(run("pln")).isEqualTo(2);
            assertThat(err.toString()).contains("pln").contains("Try 'handoff --help'.");
        }

        @Test
        void helpNamesTheCommandItExplains() {
            assertThat(run("help", "plan")).isZero();
            assertThat(out.toString()).contains("Usage: handoff plan").contains("--out=DIR");
        }

        @ParameterizedTest
        @ValueSource(strings = {"version", "plan -V", "simulate --version", "load -V"})
        void everyCommandTellsTheVersion(String line) {
            assertThat(run(line.split(" "))).isZero();
            assertThat(out.toString()).isEqualTo(Main.versionLine() + System.lineSeparator());
        }

        @Test
        void theCommandListShowsWholeSentences() {
            assertThat(run("--help")).isZero();
            String list = out.toString().replaceAll("\\s+", " ");
            assertThat(list).contains("plan Plan a handoff (where each segment goes, the boot data, the digests) and"
                    + " write it as a bundle directory.");
            assertThat(list).contains("exec Reboot now into the kernel 'handoff load' loaded (file systems are synced;"
                    + " services are not stopped: use 'systemctl kexec' for an orderly shutdown).");
            assertThat(list).doesNotContain("write it as a capture");
        }

        @Test
        void aSubcommandsHelpShowsItsOptions() {
            assertThat(run("plan", "--help")).isZero();
            assertThat(out.toString()).contains("Usage: handoff plan").contains("--out=DIR").contains("--crash");
        }
    }

    @Nested
    class Logging {
        @Test
        void warningsAndAboveGoToStderrAndPf4jIsQuiet() {
            LoggerContext context = new LoggerContext();
            new LogbackSetup().configure(context);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
            assertThat(context.getLogger("org.pf4j").getLevel()).isEqualTo(Level.OFF);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNotNull();
        }

        @Test
        void aLineNamesLevelLoggerAndMessage() {
            LoggerContext context = new LoggerContext();
            LogbackSetup.Line line = new LogbackSetup.Line();
            line.setContext(context);
            LoggingEvent event = new LoggingEvent("x", context.getLogger("io.handoff.core.Planner"), Level.WARN,
                    "segment {} moved", null, new Object[] {"initrd"});
            assertThat(line.doLayout(event)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  Planner: segment initrd moved\\R");
        }
    }
}
