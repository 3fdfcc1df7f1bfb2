package io.handoff.core.purgatory;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.handoff.api.HandoffException;
import java.nio.ByteOrder;

/**
 * Fuzz target for the purgatory parameter-area decoder: a program and its listing, or one-line HandoffException.
 *
 * <p>The first byte picks the byte order, the rest is the area. Without {@code JAZZER_FUZZ} this replays the
 * corpus under {@code StepDecoderFuzzTestsInputs/decode/}.
 */
class StepDecoderFuzzTests {
    @FuzzTest(maxDuration = "3m")
    void decode(byte[] data) {
        if (data.length == 0) {
            return;
        }
        ByteOrder order = (data[0] & 1) == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        byte[] area = java.util.Arrays.copyOfRange(data, 1, data.length);
        try {
            StepDecoder.Program program = StepDecoder.decode(area, order);
            assertThat(program.listing()).isNotNull();
        } catch (HandoffException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
        }
    }
}
