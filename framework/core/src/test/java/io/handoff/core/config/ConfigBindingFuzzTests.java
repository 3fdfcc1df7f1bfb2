package io.handoff.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.handoff.api.HandoffException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fuzz target for binding command-line settings ({@code -O key=value}, {@code --set}): the configuration binds or
 * the failure is one line.
 *
 * <p>The input is {@code key=value} lines. Without {@code JAZZER_FUZZ} this replays the corpus under
 * {@code ConfigBindingFuzzTestsInputs/overrides/}.
 */
class ConfigBindingFuzzTests {
    @FuzzTest(maxDuration = "3m")
    void overrides(byte[] data) {
        Map<String, String> overrides = parse(data);
        try {
            HandoffConfig config = HandoffConfig.withoutFile(overrides);
            assertThat(config.core()).isNotNull();
            assertThat(config.purgatory()).isNotNull();
        } catch (HandoffException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
        }
    }

    /** Split {@code key=value} lines as the command line's options do. */
    static Map<String, String> parse(byte[] data) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq >= 0) {
                overrides.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return overrides;
    }
}
