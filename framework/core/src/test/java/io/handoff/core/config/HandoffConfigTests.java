package io.handoff.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.typesafe.config.ConfigFactory;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HandoffConfigTests {
    @TempDir
    Path dir;

    private Path file(String hocon) throws IOException {
        return Files.writeString(dir.resolve("handoff.conf"), hocon);
    }

    @Nested
    class Layering {
        @Test
        void referenceDefaultsBindCoreSettings() {
            HandoffConfig config = HandoffConfig.withoutFile(Map.of());

            assertThat(config.core().digestChunkSize()).isEqualTo(1 << 20);
            assertThat(config.core().digestParallelism()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(config.settings("handoff.core").getInt("page-size")).isEqualTo(4096);
            assertThat(config.file()).isEmpty();
        }

        @Test
        void referenceDefaultsBindPurgatorySettings() {
            HandoffConfig config = HandoffConfig.withoutFile(Map.of());

            assertThat(config.purgatory()).isEqualTo(PurgatorySettings.DEFAULTS);
            assertThat(config.purgatory()).isEqualTo(new PurgatorySettings(Duration.ofSeconds(30), 1_000_000,
                    50L << 20));
        }

        @Test
        void purgatorySettingsFollowTheUserFile() throws IOException {
            Path user = file("handoff.purgatory { budget = 2500ms, iteration-cap = 5000, digest-rate = 200M }");

            assertThat(HandoffConfig.load(user, Map.of()).purgatory())
                    .isEqualTo(new PurgatorySettings(Duration.ofMillis(2500), 5000, 200L << 20));
        }

        @Test
        void userFileOverridesReferenceAndCommandLineOverridesFile() throws IOException {
            Path user = file("handoff.core { digest-parallelism = 3, digest-chunk-size = 64K }");

            HandoffConfig fromFile = HandoffConfig.load(user, Map.of());
            HandoffConfig fromCli = HandoffConfig.load(user, Map.of("handoff.core.digest-parallelism", "5"));

            assertThat(fromFile.file()).contains(user);
            assertThat(fromFile.core()).isEqualTo(new CoreSettings(65536, 3));
            assertThat(fromCli.core()).isEqualTo(new CoreSettings(65536, 5));
        }

        @Test
        void numberIsAcceptedForASizeDefault() throws IOException {
            HandoffConfig config = HandoffConfig.load(file("handoff.core.digest-chunk-size = 4096"), Map.of());

            assertThat(config.core().digestChunkSize()).isEqualTo(4096);
        }

        @Test
        void absentDefaultFileIsFine() {
            assumeFalse(Files.exists(HandoffConfig.DEFAULT_FILE), "this machine has a real " + HandoffConfig.DEFAULT_FILE);

            HandoffConfig config = HandoffConfig.load(Map.of("handoff.core.digest-parallelism", "2"));

            assertThat(config.file()).isEmpty();
            assertThat(config.core().digestParallelism()).isEqualTo(2);
        }
    }

    @Nested
    class Failures {
        @Test
        void explicitFileThatDoesNotExistIsUnreadable() {
            Path missing = dir.resolve("nope.conf");

            assertThatThrownBy(() -> HandoffConfig.load(missing, Map.of()))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage(missing + ": configuration file does not exist or cannot be read");
        }

        @Test
        void syntaxErrorNamesFileAndLine() throws IOException {
            Path user = file("handoff.core {\n  digest-parallelism = = 3\n}\n");

            assertThatThrownBy(() -> HandoffConfig.load(user, Map.of()))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessageStartingWith(user + ": 2:")
                    .hasMessageNotContaining("\n");
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "handoff.core.digest-parallelism = lots | handoff.core.digest-parallelism: expected a number",
            "handoff.core.digest-chunk-size = big   | handoff.core.digest-chunk-size: expected a size in bytes (such as 1M) but got string \"big\"",
            "handoff.core.digest-chunk-size = true  | handoff.core.digest-chunk-size: expected a size in bytes",
            "handoff.core.page-size = [1, 2]        | handoff.core.page-size",
            "handoff.core = 3                       | handoff.core",
            "handoff.core.digest-parallelism = -1   | handoff.core.digest-parallelism: must be 0 (one thread per CPU) or positive, got -1",
            "handoff.purgatory.budget = soon        | handoff.purgatory.budget: expected a duration (such as 30s) but got string \"soon\"",
            "handoff.purgatory.budget = 0s          | handoff.purgatory.budget: must be a positive duration, got PT0S",
            "handoff.purgatory.iteration-cap = 0    | handoff.purgatory.iteration-cap: must be positive, got 0",
            "handoff.purgatory.iteration-cap = many | handoff.purgatory.iteration-cap: expected a number",
            "handoff.purgatory.digest-rate = fast   | handoff.purgatory.digest-rate: expected a size in bytes (such as 50M)",
            "handoff.purgatory.digest-rate = 0      | handoff.purgatory.digest-rate: must be a positive number of bytes per second, got 0",
        })
        void wrongValueInUserFileNamesFileLineAndPath(String hocon, String expected) throws IOException {
            Path user = file(hocon);

            assertThatThrownBy(() -> HandoffConfig.load(user, Map.of()))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessageStartingWith(user + ":1: ")
                    .hasMessageContaining(expected)
                    .hasMessageNotContaining("\n");
        }

        @Test
        void wrongValueOnCommandLineSaysSo() {
            assertThatThrownBy(() -> HandoffConfig.withoutFile(Map.of("handoff.core.digest-parallelism", "many")))
                    .isInstanceOf(HandoffException.class)
                    .hasMessageStartingWith("command line: handoff.core.digest-parallelism: expected a number");
        }

        @Test
        void badPathOnCommandLineSaysSo() {
            assertThatThrownBy(() -> HandoffConfig.withoutFile(Map.of("handoff..core", "1")))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessage("command line: 'handoff..core' is not a valid setting path");
        }
    }

    @Nested
    class Layered {
        private final com.typesafe.config.Config reference = ConfigFactory.parseString(
                "handoff.platforms.x86_64 { memmap = e820, timeout = 5s, consoles = [ttyS0] }\n"
                        + "handoff.platforms.other { leak = yes }");

        @Test
        void moduleDefaultsUnderUserValues() throws IOException {
            HandoffConfig config = HandoffConfig.load(file("handoff.platforms.x86_64.timeout = 2m"), Map.of());

            ConfigSettings settings = config.layered("handoff.platforms.x86_64", reference);

            assertThat(settings.root()).isEqualTo("handoff.platforms.x86_64");
            assertThat(settings.getString("memmap")).isEqualTo("e820");
            assertThat(settings.getDuration("timeout")).isEqualTo(Duration.ofMinutes(2));
            assertThat(settings.getStringList("consoles")).containsExactly("ttyS0");
        }

        @Test
        void onlyTheModulesOwnNamespaceIsTaken() {
            HandoffConfig config = HandoffConfig.withoutFile(Map.of());

            config.layered("handoff.platforms.x86_64", reference);

            assertThat(config.layered("handoff.platforms.other", ConfigFactory.empty()).has("leak")).isFalse();
        }

        @Test
        void numberWhereReferenceHasAStringIsRefusedWithFileAndPath() throws IOException {
            Path user = file("handoff.platforms.x86_64.memmap = 3");
            HandoffConfig config = HandoffConfig.load(user, Map.of());

            assertThatThrownBy(() -> config.layered("handoff.platforms.x86_64", reference))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessage(user + ":1: handoff.platforms.x86_64.memmap: expected a string (like the default"
                            + " \"e820\") but got number 3");
        }

        @Test
        void objectWhereReferenceHasAStringIsRefused() throws IOException {
            HandoffConfig config = HandoffConfig.load(file("handoff.platforms.x86_64.memmap { a = 1 }"), Map.of());

            assertThatThrownBy(() -> config.layered("handoff.platforms.x86_64", reference))
                    .hasMessageContaining("handoff.platforms.x86_64.memmap: expected a string");
        }
    }

    @Nested
    class Settings {
        private final ConfigSettings settings = ConfigSettings.of(ConfigFactory.parseString(
                "handoff.platforms.x86_64 { memmap = e820, size = 16M, wait = 5s, flag = on, list = [a, b] }"),
                "handoff.platforms.x86_64");

        @Test
        void readsTypedValues() {
            assertThat(settings.has("memmap")).isTrue();
            assertThat(settings.has("absent")).isFalse();
            assertThat(settings.getBytes("size")).isEqualTo(16L << 20);
            assertThat(settings.getDuration("wait")).isEqualTo(Duration.ofSeconds(5));
            assertThat(settings.getBoolean("flag")).isTrue();
            assertThat(settings.getStringList("list")).isEqualTo(List.of("a", "b"));
        }

        @Test
        void missingPathNamesTheFullPath() {
            assertThatThrownBy(() -> settings.getString("absent"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessage("handoff.platforms.x86_64.absent: missing (not set and no default in reference.conf)");
        }

        @Test
        void wrongTypeNamesTheFullPathAndTheValue() {
            assertThatThrownBy(() -> settings.getInt("memmap"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION))
                    .hasMessageEndingWith("handoff.platforms.x86_64.memmap: expected an integer but got string \"e820\"");
        }

        @Test
        void badPathSaysSo() {
            assertThatThrownBy(() -> settings.has("a..b"))
                    .hasMessage("handoff.platforms.x86_64.a..b: not a valid path");
        }

        @Test
        void absentSubtreeGivesEmptySettings() {
            ConfigSettings empty = ConfigSettings.of(ConfigFactory.empty(), "handoff.platforms.none");

            assertThat(empty.has("anything")).isFalse();
            assertThat(empty.config().isEmpty()).isTrue();
        }
    }
}
