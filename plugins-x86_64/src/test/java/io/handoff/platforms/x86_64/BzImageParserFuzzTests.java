package io.handoff.platforms.x86_64;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.handoff.api.HandoffException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzz target for the bzImage setup-header parser: a header, or a one-line HandoffException.
 *
 * <p>The input is the file's start; the file is as long as the input unless its first four bytes say more
 * ("SZ" and a big-endian count of 16-byte units; a kernel's bytes past the header are never read). Without {@code JAZZER_FUZZ} this replays the corpus under
 * {@code BzImageParserFuzzTestsInputs/parse/}.
 */
class BzImageParserFuzzTests {
    private static final Path FILE = Path.of("/fuzz/bzImage");

    @FuzzTest(maxDuration = "3m")
    void parse(byte[] data) {
        long size = data.length;
        if (data.length >= 6 && data[0] == 'S' && data[1] == 'Z') {
            size = Integer.toUnsignedLong(ByteBuffer.wrap(data, 2, 4).getInt()) * 16L;
            data = Arrays.copyOfRange(data, 6, data.length);
        }
        ByteBuffer head = ByteBuffer.wrap(Arrays.copyOf(data, Math.min(data.length, BzImageParser.HEAD)));
        try {
            BzImage image = BzImageParser.parse(FILE, size, head);
            assertThat(image).isNotNull();
        } catch (HandoffException e) {
            assertThat(e.getMessage()).doesNotContain("\n").startsWith(FILE.toString());
        }
    }
}
