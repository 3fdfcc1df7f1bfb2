package io.handoff.lastwords;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.handoff.api.HandoffException;
import io.handoff.core.config.HandoffConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fuzz targets for the last-words decoders and options: a value, or the one documented failure.
 *
 * <p>Without {@code JAZZER_FUZZ} these replay the corpora under {@code LastWordsFuzzTestsInputs/}.
 */
class LastWordsFuzzTests {
    /** SEL records as read back from a BMC: 16 bytes decode, anything else is an IllegalArgumentException. */
    @FuzzTest(maxDuration = "3m")
    void selRecord(byte[] data) {
        for (int at = 0; at < Math.max(1, data.length); at += SelRecords.RECORD_SIZE) {
            byte[] record = Arrays.copyOfRange(data, at, Math.min(data.length, at + SelRecords.RECORD_SIZE));
            try {
                assertThat(SelRecords.decode(record)).isNotNull();
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).doesNotContain("\n");
            }
        }
    }

    /** IPMI responses and the Get Device ID answer they carry. */
    @FuzzTest(maxDuration = "3m")
    void response(byte[] data) {
        try {
            IpmiResponse response = IpmiResponse.parse(data);
            if (response.ok()) {
                DeviceId.parse(response);
            }
        } catch (IllegalArgumentException | HandoffException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
        }
    }

    /** {@code handoff.last-words} settings as {@code key=value} lines: options bind or fail in one line. */
    @FuzzTest(maxDuration = "3m")
    void options(byte[] data) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq >= 0) {
                overrides.put(LastWordsOptions.ROOT + "." + line.substring(0, eq), line.substring(eq + 1));
            }
        }
        try {
            assertThat(LastWordsOptions.from(HandoffConfig.withoutFile(overrides).settings(LastWordsOptions.ROOT)))
                    .isNotNull();
        } catch (HandoffException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
        }
    }
}
