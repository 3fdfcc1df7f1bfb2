package io.handoff.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.typesafe.config.ConfigFactory;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Unknown keys under {@code handoff.} are refused with the closest known key; bounded values before costly work.
 */
class ConfigKeysTests {
    @TempDir
    Path dir;

    private static HandoffException refusal(HandoffConfig config) {
        return catchThrowableOfType(config::requireKnownKeys, HandoffException.class);
    }

    @Nested
    class UnknownKeys {
        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "handoff.purgatory.budgett     | handoff.purgatory.budget",
            "handoff.core.digest-chunksize | handoff.core.digest-chunk-size",
            "handoff.purgatory.iteration-caps | handoff.purgatory.iteration-cap",
            "handoff.load.lock-wiat        | handoff.load.lock-wait"})
        void aTypoOnTheCommandLineNamesTheClosestKey(String typo, String meant) {
            HandoffException e = refusal(HandoffConfig.withoutFile(Map.of(typo, "1")));
            assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION);
            assertThat(e.getMessage()).endsWith(": " + typo + ": not a known setting; did you mean " + meant + "?")
                    .startsWith("command line");
        }

        @Test
        void aTypoInTheFileNamesFileAndLine() throws IOException {
            Path file = Files.writeString(dir.resolve("handoff.conf"), "# mine\nhandoff.core {\n  digest-paralelism = 2\n}\n");
            HandoffException e = refusal(HandoffConfig.load(file, Map.of()));
            assertThat(e.getMessage()).isEqualTo(file + ":3: handoff.core.digest-paralelism: not a known setting;"
                    + " did you mean handoff.core.digest-parallelism?");
        }

        @Test
        void aLoadedPlatformsKeysAreKnownAndItsTyposAreNot() {
            HandoffConfig config = HandoffConfig.withoutFile(Map.of("handoff.platforms.toy.cmdline-max", "3",
                    "handoff.platforms.toy.cmdline-maxx", "3"));
            config.layered("handoff.platforms.toy", ConfigFactory.parseString("handoff.platforms.toy.cmdline-max = 64"));
            HandoffException e = refusal(config);
            assertThat(e.getMessage()).isEqualTo("command line: handoff.platforms.toy.cmdline-maxx: not a known setting;"
                    + " did you mean handoff.platforms.toy.cmdline-max?");
        }

        @Test
        void aPlatformThatIsNotLoadedIsNotChecked() {
            HandoffConfig config = HandoffConfig.withoutFile(Map.of("handoff.platforms.vax.anything", "1"));
            config.requireKnownKeys();
        }

        @Test
        void knownKeysPass() {
            HandoffConfig.withoutFile(Map.of("handoff.purgatory.budget", "20s", "handoff.core.page-size", "4096"))
                    .requireKnownKeys();
        }
    }

    @Nested
    class Bounds {
        @ParameterizedTest(name = "{0}")
        @CsvSource({"1, 1", "4095, 4095", "2G, 2147483648"})
        void aDigestChunkOutsideAPageAndAGibibyteIsRefusedAtLoad(String value, long bytes) {
            HandoffException e = catchThrowableOfType(
                    () -> HandoffConfig.withoutFile(Map.of("handoff.core.digest-chunk-size", value)),
                    HandoffException.class);
            assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION);
            assertThat(e.getMessage()).contains("handoff.core.digest-chunk-size")
                    .endsWith("must be between 4K (one page) and 1G, got " + bytes + " bytes");
        }
    }

    @Test
    void suggestionsUseTheEditDistance() {
        assertThat(Suggestions.distance("memap", "memmap")).isEqualTo(1);
        assertThat(Suggestions.closest("memap", List.of("cmdline-max", "memmap"))).contains("memmap");
        assertThat(Suggestions.closest("x", List.of())).isEmpty();
    }
}
