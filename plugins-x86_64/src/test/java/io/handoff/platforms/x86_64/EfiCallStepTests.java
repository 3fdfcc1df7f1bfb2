package io.handoff.platforms.x86_64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.HandoffException;
import io.handoff.api.plan.EfiRuntimeCall;
import io.handoff.api.plan.EfiRuntimeService;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.core.purgatory.StepDecoder;
import io.handoff.core.purgatory.StepEncoder;
import io.handoff.core.purgatory.StepKinds;
import io.handoff.core.purgatory.StepProgram;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The {@code efi-call-x86_64} step (FORMAT.md §3, kind 64): its operands, its record, and what it refuses. */
class EfiCallStepTests {
    static final long TABLES = 0x2f00_0000L;
    /** "BootNext" in UCS-2 with its NUL: 18 bytes. */
    static final byte[] BOOT_NEXT = "BootNext\0".getBytes(StandardCharsets.UTF_16LE);
    /** EFI_GLOBAL_VARIABLE 8be4df61-93ca-11d2-aa0d-00e098032b8c as an EFI_GUID in memory. */
    static final byte[] GLOBAL = HexFormat.of().parseHex("61dfe48bca93d211aa0d00e098032b8c");
    static final StepKinds KINDS = new StepKinds(X86_64Steps.ALL);

    static EfiRuntimeCall setBootNext(int option) {
        return new EfiRuntimeCall(TABLES, EfiQ35.RUNTIME, EfiRuntimeService.SET_VARIABLE, List.of(
                new EfiRuntimeCall.Bytes(BOOT_NEXT), new EfiRuntimeCall.Bytes(GLOBAL), new EfiRuntimeCall.Value(7),
                new EfiRuntimeCall.Value(2), new EfiRuntimeCall.Bytes(new byte[] {(byte) option, (byte) (option >> 8)})),
                true, PurgatoryStep.FailurePolicy.REQUIRED, "BootNext = Boot0011");
    }

    static EfiRuntimeCall resetWarm() {
        return new EfiRuntimeCall(TABLES, EfiQ35.RUNTIME, EfiRuntimeService.RESET_SYSTEM, List.of(
                new EfiRuntimeCall.Value(1), new EfiRuntimeCall.Value(0), new EfiRuntimeCall.Value(0),
                new EfiRuntimeCall.Value(0)), false, PurgatoryStep.FailurePolicy.REQUIRED, "EFI warm reset");
    }

    @Nested
    class Operands {
        @Test
        void setVariableLaysTheBytesOut8Aligned() {
            PurgatoryStep step = new X86_64EfiRuntimeCalls().call(setBootNext(0x11));
            assertThat(step.kind()).isEqualTo("efi-call-x86_64");
            assertThat(step.policy()).isEqualTo(PurgatoryStep.FailurePolicy.REQUIRED);
            assertThat(step.worstCase()).isEqualTo(Duration.ofSeconds(1));
            assertThat(step.description()).isEqualTo("BootNext = Boot0011");
            // name at 0 (18 bytes, padded to 24), GUID at 24, data at 40: 42 bytes, 6 words
            assertThat(step.operands()).containsExactly(TABLES, 0x7f5ebb98L, 0x58L, 1L, 5L, 0x13L, 0L, 24L, 7L, 2L,
                    40L, 42L, 0x0074006f006f0042L, 0x007400780065004eL, 0L, 0x11d293ca8be4df61L,
                    0x8c2b0398e0000daaL, 0x11L);
        }

        @Test
        void resetSystemPassesNumbersOnlyAndMustNotReturn() {
            PurgatoryStep step = new X86_64EfiRuntimeCalls().call(resetWarm());
            assertThat(step.operands()).containsExactly(TABLES, 0x7f5ebb98L, 0x68L, 0L, 4L, 0L, 1L, 0L, 0L, 0L, 0L,
                    0L);
            assertThat(X86_64Steps.EFI_CALL.summary(step.operands())).isEqualTo("ResetSystem(0x1, 0x0, 0x0, 0x0) via RT "
                    + "0x7f5ebb98 on tables at 0x2f000000, must not return, 0 data bytes");
        }

        @Test
        void theSummaryNamesPointerArguments() {
            assertThat(X86_64Steps.EFI_CALL.summary(EfiCallStep.operands(setBootNext(0x11)))).isEqualTo(
                    "SetVariable(&data[0x0], &data[0x18], 0x7, 0x2, &data[0x28]) via RT 0x7f5ebb98 on tables at "
                            + "0x2f000000, must return EFI_SUCCESS, 42 data bytes");
        }

        @Test
        void decodingGivesTheCallBackWithItsPadding() {
            EfiRuntimeCall call = setBootNext(0x11);
            EfiRuntimeCall back = EfiCallStep.decode(EfiCallStep.operands(call), call.policy(), call.description());
            assertThat(back.pageTables()).isEqualTo(TABLES);
            assertThat(back.runtimeTable()).isEqualTo(EfiQ35.RUNTIME);
            assertThat(back.service()).isEqualTo(EfiRuntimeService.SET_VARIABLE);
            assertThat(back.returns()).isTrue();
            assertThat(back.arguments()).containsExactly(new EfiRuntimeCall.Bytes(Arrays.copyOf(BOOT_NEXT, 24)),
                    new EfiRuntimeCall.Bytes(GLOBAL), new EfiRuntimeCall.Value(7), new EfiRuntimeCall.Value(2),
                    new EfiRuntimeCall.Bytes(new byte[] {0x11, 0}));
            assertThat(EfiCallStep.decode(EfiCallStep.operands(resetWarm()), PurgatoryStep.FailurePolicy.REQUIRED, ""))
                    .isEqualTo(new EfiRuntimeCall(TABLES, EfiQ35.RUNTIME, EfiRuntimeService.RESET_SYSTEM,
                            resetWarm().arguments(), false, PurgatoryStep.FailurePolicy.REQUIRED, ""));
        }
    }

    @Nested
    class Record {
        @Test
        void theEncoderWritesKind64WithTheDataAfterTwelveOperands() {
            PurgatoryStep step = new X86_64EfiRuntimeCalls().call(setBootNext(0x11));
            byte[] area = StepEncoder.encode(new StepProgram(List.of(step), List.of(), Optional.empty()),
                    ByteOrder.LITTLE_ENDIAN, 1000, KINDS);
            ByteBuffer b = ByteBuffer.wrap(area).order(ByteOrder.LITTLE_ENDIAN);
            int at = StepEncoder.AREA_HEADER_SIZE;
            assertThat(b.getShort(at)).isEqualTo((short) 64);
            assertThat(b.getShort(at + 2)).isEqualTo((short) 1);
            assertThat(b.getInt(at + 4)).isEqualTo(16 + 18 * 8);
            assertThat(b.getLong(at + 8)).isEqualTo(1_000_000L);
            assertThat(b.getLong(at + 16 + 11 * 8)).isEqualTo(42);
            int data = at + 16 + 12 * 8;
            assertThat(Arrays.copyOfRange(area, data, data + 18)).isEqualTo(BOOT_NEXT);
            assertThat(Arrays.copyOfRange(area, data + 24, data + 40)).isEqualTo(GLOBAL);
            assertThat(Arrays.copyOfRange(area, data + 40, data + 48)).containsExactly(0x11, 0, 0, 0, 0, 0, 0, 0);
        }

        @Test
        void theDecoderReadsTheStepBack() {
            PurgatoryStep step = new X86_64EfiRuntimeCalls().call(setBootNext(0x11));
            byte[] area = StepEncoder.encode(new StepProgram(List.of(step), List.of(), Optional.empty()),
                    ByteOrder.LITTLE_ENDIAN, 1000, KINDS);
            StepDecoder.Step read = StepDecoder.decode(area, ByteOrder.LITTLE_ENDIAN, KINDS).steps().get(0);
            assertThat(read.kind()).isEqualTo(64);
            assertThat(read.name()).isEqualTo("efi-call-x86_64");
            assertThat(read.required()).isTrue();
            assertThat(read.operands()).isEqualTo(step.operands());
        }

        @Test
        void x86_64DeclaresCode16AndTheRange64To79() {
            assertThat(X86_64Steps.ALL.codes()).extracting(r -> r.first() + "-" + r.last())
                    .containsExactly("16-16", "64-79");
            assertThat(X86_64Steps.ALL.byCode(64)).containsSame(X86_64Steps.EFI_CALL);
            assertThat(X86_64Steps.EFI_CALL.terminal()).isFalse();
            assertThat(X86_64Steps.EFI_CALL.consoleMarker()).isEqualTo("purgatory: EFI call ");
        }
    }

    @Nested
    class Refusals {
        List<Long> with(int index, long value) {
            List<Long> ops = new ArrayList<>(EfiCallStep.operands(setBootNext(0x11)));
            ops.set(index, value);
            return ops;
        }

        @Test
        void aPointerPastTheData() {
            assertThat(X86_64Steps.EFI_CALL.checkOperands(with(10, 48))).contains("pointer argument 4: offset 0x30 is "
                    + "not an aligned offset into the 42 data bytes");
        }

        @Test
        void anUnalignedPointer() {
            assertThat(X86_64Steps.EFI_CALL.checkOperands(with(7, 20))).contains("pointer argument 1: offset 0x14 is "
                    + "not an aligned offset into the 42 data bytes");
        }

        @Test
        void aDataLengthTheWordsDoNotHold() {
            assertThat(X86_64Steps.EFI_CALL.checkOperands(with(11, 50))).contains("50 data bytes take 7 words, got 6");
        }

        @Test
        void otherShapes() {
            assertThat(X86_64Steps.EFI_CALL.checkOperands(with(2, 0x88))).contains("no runtime service at offset 0x88");
            assertThat(X86_64Steps.EFI_CALL.checkOperands(with(3, 2))).contains("returns flag must be 0 or 1: 2");
            assertThat(X86_64Steps.EFI_CALL.checkOperands(with(4, 6))).contains("argument count must be 0-5: 6");
            assertThat(X86_64Steps.EFI_CALL.checkOperands(with(4, 2))).contains("pointer mask 0x13 names arguments "
                    + "past the 2 given");
            assertThat(X86_64Steps.EFI_CALL.checkOperands(List.of(1L, 2L))).contains("takes at least 12 operands, "
                    + "got 2");
        }

        @Test
        void moreThanAPageOfArgumentBytes() {
            EfiRuntimeCall big = new EfiRuntimeCall(TABLES, EfiQ35.RUNTIME, EfiRuntimeService.SET_VARIABLE, List.of(
                    new EfiRuntimeCall.Bytes(BOOT_NEXT), new EfiRuntimeCall.Bytes(GLOBAL), new EfiRuntimeCall.Value(7),
                    new EfiRuntimeCall.Value(4096), new EfiRuntimeCall.Bytes(new byte[4096])), true,
                    PurgatoryStep.FailurePolicy.REQUIRED, "too big");
            assertThatThrownBy(() -> new X86_64EfiRuntimeCalls().call(big)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("EFI SetVariable: 4136 argument bytes, at most 4096 fit a step");
        }

        @Test
        void theEncoderRefusesAMalformedStep() {
            PurgatoryStep bad = new PurgatoryStep("efi-call-x86_64", PurgatoryStep.FailurePolicy.REQUIRED,
                    Duration.ofSeconds(1), with(10, 48), "bad");
            assertThatThrownBy(() -> StepEncoder.encode(new StepProgram(List.of(bad), List.of(), Optional.empty()),
                    ByteOrder.LITTLE_ENDIAN, 1000, KINDS)).isInstanceOf(HandoffException.class)
                    .hasMessageContaining("pointer argument 4");
        }
    }
}
