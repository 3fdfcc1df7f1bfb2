package io.handoff.platforms.s390x;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.core.purgatory.StepDecoder;
import io.handoff.core.purgatory.StepEncoder;
import io.handoff.core.purgatory.StepKinds;
import io.handoff.core.purgatory.StepProgram;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PurgatoryStep;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The s390 step kinds of FORMAT.md §8 as the encoder writes them (big-endian) and the decoder reads them back. */
class S390xStepKindsTests {
    static final StepKinds KINDS = new StepKinds(S390xSteps.ALL);

    static PurgatoryStep step(String kind, List<Long> operands) {
        return new PurgatoryStep(kind, PurgatoryStep.FailurePolicy.REQUIRED, Duration.ZERO, operands, kind);
    }

    static byte[] encode(PurgatoryStep... steps) {
        return StepEncoder.encode(new StepProgram(List.of(steps), List.of(), Optional.empty()), ByteOrder.BIG_ENDIAN,
                1, KINDS);
    }

    @ParameterizedTest(name = "{0} is kind {1}, terminal {2}")
    @CsvSource({"load-psw, 32, true", "dump-reipl, 33, false", "disabled-wait, 34, true"})
    void kindsAndTerminality(String id, int code, boolean terminal) {
        StepKinds.Kind kind = KINDS.byId(id).orElseThrow();
        assertThat(kind.code()).isEqualTo(code);
        assertThat(kind.terminal()).isEqualTo(terminal);
        assertThat(KINDS.byCode(code)).contains(kind);
        assertThat(StepKinds.GENERIC.byId(id)).as("not the framework's").isEmpty();
    }

    @Nested
    class LoadPsw {
        @Test
        void writesKindThenMaskAndAddressBigEndian() {
            ByteBuffer b = ByteBuffer.wrap(encode(step("load-psw", List.of(0x0000000180000000L, 0x10010L))))
                    .order(ByteOrder.BIG_ENDIAN);
            int s = StepEncoder.AREA_HEADER_SIZE;
            assertThat(b.getShort(s)).isEqualTo((short) 32);
            assertThat(b.getInt(s + 4)).isEqualTo(32);
            assertThat(b.getLong(s + 16)).isEqualTo(0x0000000180000000L);
            assertThat(b.getLong(s + 24)).isEqualTo(0x10010L);
        }

        @Test
        void decodesForPlanTxt() {
            StepDecoder.Program p = StepDecoder.decode(encode(step("load-psw", List.of(0x0000000180000000L, 0x10010L)),
                    step("disabled-wait", List.of(0x48460001L))), ByteOrder.BIG_ENDIAN, KINDS);
            assertThat(p.steps()).extracting(StepDecoder.Step::summary)
                    .containsExactly("psw 0x0000000180000000 0x10010", "code 0x48460001");
        }
    }

    @Nested
    class DumpReipl {
        @Test
        void theBlockBytesLieInMemoryInTheirOwnOrder() {
            // 10 bytes 00 00 00 0a 01 02 03 04 05 06, packed big-endian 8 per word, zero-padded
            byte[] area = encode(step("dump-reipl", List.of(10L, 0x0000000A01020304L, 0x0506000000000000L)));
            int s = StepEncoder.AREA_HEADER_SIZE;
            ByteBuffer b = ByteBuffer.wrap(area).order(ByteOrder.BIG_ENDIAN);
            assertThat(b.getInt(s + 4)).as("record length").isEqualTo(16 + 24);
            assertThat(b.getLong(s + 16)).isEqualTo(10);
            byte[] payload = new byte[10];
            b.get(s + 24, payload);
            assertThat(payload).containsExactly(0, 0, 0, 10, 1, 2, 3, 4, 5, 6);
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "no operands | ''",
            "a block shorter than 8 bytes | 4, 0",
            "a block longer than a page | 4097",
            "a length the words do not match | 16, 0",
        })
        void aBadShapeIsAnInternalError(String what, String operands) {
            List<Long> ops = operands.isBlank() ? List.of()
                    : Arrays.stream(operands.split(",")).map(String::trim).map(Long::decode).toList();
            assertThatThrownBy(() -> encode(step("dump-reipl", ops))).as(what)
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.INTERNAL));
        }
    }
}
