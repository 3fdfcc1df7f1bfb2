package io.handoff.core.purgatory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import io.handoff.core.digest.ChunkDigest;
import io.handoff.core.digest.SegmentDigest;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StepEncoderTests {
    /** The toy platform's vocabulary: the generic kinds and its jump (kind 16). */
    static final StepKinds KINDS = new StepKinds(io.handoff.core.testing.ToyPlatform.STEPS);

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ByteOrder BE = ByteOrder.BIG_ENDIAN;

    static final byte[] D1 = filled(0x11);
    static final byte[] D2 = filled(0x22);

    /** Two chunks of 16 bytes at 0x1000: 0x14 bytes of data in a 0x1000-byte segment. */
    static final DigestTable TABLE = new DigestTable(0x10, List.of(new SegmentDigest(0, "kernel", 0x1000, 0x14, 0x1000,
            filled(0x33), List.of(new ChunkDigest(0, 0x10, D1), new ChunkDigest(0x10, 4, D2)), 0x14, 0xfec)));

    static byte[] filled(int value) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) value);
        return b;
    }

    static PurgatoryStep step(String kind, FailurePolicy policy, long micros, List<Long> operands, String text) {
        return new PurgatoryStep(kind, policy, Duration.ofNanos(micros * 1000), operands, text);
    }

    /** Reset Watchdog Timer, "watchdog start", packed for a little-endian target (FORMAT.md §7's example). */
    static final PurgatoryStep WATCHDOG_START = step("ipmi-request", FailurePolicy.BEST_EFFORT, 11_000_000,
            List.of(0xCA2L, 0xCA3L, 5_000_000L, 3L, 10_000_000L, 2L, 0x2218L, 14L, 0x676f646863746177L,
                    0x0000747261747320L), "watchdog");

    static String hex(String... parts) {
        return String.join("", parts).replace(" ", "");
    }

    static String repeat(String b, int n) {
        return b.repeat(n);
    }

    static Stream<Arguments> kinds() {
        PurgatoryStep jump = step("jump", FailurePolicy.REQUIRED, 0,
                List.of(0L, 0L, 0L, 0L, 0x3df4e000L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0x39e00200L), "jump");
        return Stream.of(
                Arguments.of("console", step("console", FailurePolicy.BEST_EFFORT, 1000, List.of(0x3f8L, 1L), "uart"),
                        hex("0100 0000 20000000 e803000000000000", "f803000000000000 0100000000000000"),
                        hex("0001 0000 00000020 00000000000003e8", "00000000000003f8 0000000000000001")),
                Arguments.of("print", step("print", FailurePolicy.BEST_EFFORT, 5, List.of(), "hi!"),
                        hex("0200 0000 20000000 0500000000000000", "0300000000000000 6869210000000000"),
                        hex("0002 0000 00000020 0000000000000005", "0000000000000003 6869210000000000")),
                Arguments.of("print of exactly 8 bytes", step("print", FailurePolicy.BEST_EFFORT, 5, List.of(),
                                "12345678"),
                        hex("0200 0000 20000000 0500000000000000", "0800000000000000 3132333435363738"),
                        hex("0002 0000 00000020 0000000000000005", "0000000000000008 3132333435363738")),
                Arguments.of("verify-digests", step("verify-digests", FailurePolicy.REQUIRED, 0x10000, List.of(), "v"),
                        hex("0300 0100 80000000 0000010000000000", "1000000000000000 0100000000000000",
                                "0010000000000000 1400000000000000 0010000000000000 0200000000000000",
                                repeat("11", 32), repeat("22", 32)),
                        hex("0003 0001 00000080 0000000000010000", "0000000000000010 0000000000000001",
                                "0000000000001000 0000000000000014 0000000000001000 0000000000000002",
                                repeat("11", 32), repeat("22", 32))),
                Arguments.of("copy", step("copy", FailurePolicy.REQUIRED, 3243, List.of(0x1000L, 0x3df61000L, 0x9ec00L),
                                "backup"),
                        hex("0400 0100 28000000 ab0c000000000000",
                                "0010000000000000 0010f63d00000000 00ec090000000000"),
                        hex("0004 0001 00000028 0000000000000cab",
                                "0000000000001000 000000003df61000 000000000009ec00")),
                Arguments.of("swap", step("swap", FailurePolicy.REQUIRED, 1, List.of(0x10000L, 0x2e000000L, 0x2000L),
                                "swap"),
                        hex("0500 0100 28000000 0100000000000000",
                                "0000010000000000 0000002e00000000 0020000000000000"),
                        hex("0005 0001 00000028 0000000000000001",
                                "0000000000010000 000000002e000000 0000000000002000")),
                Arguments.of("rtc", step("rtc", FailurePolicy.BEST_EFFORT, 0, List.of(0x70L, 0x71L), "cmos"),
                        hex("0600 0000 20000000 0000000000000000", "7000000000000000 7100000000000000"),
                        hex("0006 0000 00000020 0000000000000000", "0000000000000070 0000000000000071")),
                Arguments.of("jump", jump,
                        hex("1000 0100 98000000 0000000000000000", repeat("00", 32), "00e0f43d00000000",
                                repeat("00", 88), "0002e03900000000"),
                        hex("0010 0001 00000098 0000000000000000", repeat("00", 32), "000000003df4e000",
                                repeat("00", 88), "0000000039e00200")),
                Arguments.of("ipmi-request (FORMAT.md §7 example)", WATCHDOG_START,
                        hex("0700 0000 60000000 c0d8a70000000000",
                                "a20c000000000000 a30c000000000000 404b4c0000000000 0300000000000000",
                                "8096980000000000 0200000000000000 1822000000000000 0e00000000000000",
                                "7761746368646f67 2073746172740000"),
                        hex("0007 0000 00000060 0000000000a7d8c0",
                                "0000000000000ca2 0000000000000ca3 00000000004c4b40 0000000000000003",
                                "0000000000989680 0000000000000002 0000000000002218 000000000000000e",
                                "676f646863746177 0000747261747320")),
                Arguments.of("cpu-ip-records", step("cpu-ip-records", FailurePolicy.BEST_EFFORT, 0,
                                List.of(0xCA2L, 0xCA3L, 5_000_000L, 3L, 10_000_000L, 3L, 0xF0L, 1L, 0x3ec3a400L, 368L),
                                "cpu-ip"),
                        hex("0800 0000 60000000 0000000000000000",
                                "a20c000000000000 a30c000000000000 404b4c0000000000 0300000000000000",
                                "8096980000000000 0300000000000000 f000000000000000 0100000000000000",
                                "00a4c33e00000000 7001000000000000"),
                        hex("0008 0000 00000060 0000000000000000",
                                "0000000000000ca2 0000000000000ca3 00000000004c4b40 0000000000000003",
                                "0000000000989680 0000000000000003 00000000000000f0 0000000000000001",
                                "000000003ec3a400 0000000000000170")),
                Arguments.of("halt", step("halt", FailurePolicy.REQUIRED, 0, List.of(1L), "halt"),
                        hex("1100 0100 18000000 0000000000000000 0100000000000000"),
                        hex("0011 0001 00000018 0000000000000000 0000000000000001")),
                Arguments.of("reset", step("reset", FailurePolicy.REQUIRED, 0, List.of(2L), "reset"),
                        hex("1200 0100 18000000 0000000000000000 0200000000000000"),
                        hex("0012 0001 00000018 0000000000000000 0000000000000002")));
    }

    static byte[] encodeOne(PurgatoryStep step, ByteOrder order) {
        byte[] area = StepEncoder.encode(new StepProgram(List.of(step), List.of(), Optional.of(TABLE)), order, 7, KINDS);
        return Arrays.copyOfRange(area, StepEncoder.AREA_HEADER_SIZE, area.length);
    }

    @Nested
    class EachKind {
        @ParameterizedTest(name = "{0}, little-endian")
        @MethodSource("io.handoff.core.purgatory.StepEncoderTests#kinds")
        void isEncodedByteForByteInLittleEndian(String name, PurgatoryStep step, String little, String big) {
            assertThat(HexFormat.of().formatHex(encodeOne(step, LE))).isEqualTo(little);
        }

        @ParameterizedTest(name = "{0}, big-endian")
        @MethodSource("io.handoff.core.purgatory.StepEncoderTests#kinds")
        void isEncodedByteForByteInBigEndian(String name, PurgatoryStep step, String little, String big) {
            assertThat(HexFormat.of().formatHex(encodeOne(step, BE))).isEqualTo(big);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.handoff.core.purgatory.StepEncoderTests#kinds")
        void decodesBackToTheSameKindPolicyBoundAndOperands(String name, PurgatoryStep step, String little,
                                                             String big) {
            for (ByteOrder order : List.of(LE, BE)) {
                byte[] area = StepEncoder.encode(new StepProgram(List.of(step), List.of(), Optional.of(TABLE)),
                        order, 7, KINDS);
                StepDecoder.Step decoded = StepDecoder.decode(area, order, KINDS).steps().get(0);
                assertThat(decoded.name()).isEqualTo(step.kind());
                assertThat(decoded.required()).isEqualTo(step.policy() == FailurePolicy.REQUIRED);
                assertThat(decoded.worstCaseUs()).isEqualTo(StepEncoder.micros(step.worstCase()));
                switch (step.kind()) {
                    case "print" -> assertThat(decoded.text()).isEqualTo(step.description());
                    case "verify-digests" -> assertThat(decoded.segments()).containsExactly(new StepDecoder.Segment(
                            0x1000, 0x14, 0x1000, List.of(repeat("11", 32), repeat("22", 32))));
                    default -> assertThat(decoded.operands()).isEqualTo(step.operands());
                }
            }
        }
    }

    @Nested
    class TheAreaHeader {
        StepProgram program = new StepProgram(
                List.of(step("console", FailurePolicy.BEST_EFFORT, 1000, List.of(0x3f8L, 1L), "uart"),
                        step("halt", FailurePolicy.REQUIRED, 0, List.of(9L), "stop")),
                List.of(step("halt", FailurePolicy.REQUIRED, 0, List.of(1L), "fallback")), Optional.empty());

        @Test
        void countsOffsetsLengthBudgetAndCapInLittleEndian() {
            byte[] area = StepEncoder.encode(program, LE, 1_000_000, KINDS);

            assertThat(area).hasSize(0x80);
            assertThat(HexFormat.of().formatHex(Arrays.copyOf(area, 0x30))).isEqualTo(hex(
                    "484f5050 0100 0200 30000000 01000000 68000000 80000000",
                    "e803000000000000 40420f0000000000 0000000000000000"));
        }

        @Test
        void countsOffsetsLengthBudgetAndCapInBigEndian() {
            byte[] area = StepEncoder.encode(program, BE, 1_000_000, KINDS);

            assertThat(HexFormat.of().formatHex(Arrays.copyOf(area, 0x30))).isEqualTo(hex(
                    "50504f48 0001 0002 00000030 00000001 00000068 00000080",
                    "00000000000003e8 00000000000f4240 0000000000000000"));
        }

        @Test
        void putsTheFallbackAfterTheMainSteps() {
            StepDecoder.Program decoded = StepDecoder.decode(StepEncoder.encode(program, LE, 5, KINDS), LE, KINDS);

            assertThat(decoded.steps()).extracting(StepDecoder.Step::name).containsExactly("console", "halt");
            assertThat(decoded.fallback()).extracting(StepDecoder.Step::operands).containsExactly(List.of(1L));
            assertThat(decoded.budgetUs()).isEqualTo(1000);
            assertThat(decoded.iterationCap()).isEqualTo(5);
            assertThat(decoded.listing()).containsExactly(
                    "program v1: 2 steps, 1 fallback steps, 128 bytes, budget 1000 us, iteration cap 5",
                    "main      1 console        best-effort <= 1000 us  uart 0x3f8, divisor 1",
                    "main      2 halt           required    <= 0 us  reason 9",
                    "fallback  1 halt           required    <= 0 us  reason 1");
        }

        @Test
        void roundsBoundsUpToAMicrosecond() {
            assertThat(StepEncoder.micros(Duration.ofNanos(1))).isEqualTo(1);
            assertThat(StepEncoder.micros(Duration.ofNanos(2000))).isEqualTo(2);
            assertThat(StepEncoder.micros(Duration.ofSeconds(10))).isEqualTo(10_000_000);
        }
    }

    @Nested
    class LastWordsListing {
        @Test
        void anIpmiRequestIsListedWithItsLabelRequestBytesAndTransport() {
            byte[] area = StepEncoder.encode(new StepProgram(List.of(WATCHDOG_START), List.of(), Optional.empty()), LE,
                    1, KINDS);
            StepDecoder.Step decoded = StepDecoder.decode(area, LE, KINDS).steps().get(0);

            assertThat(decoded.text()).isEqualTo("watchdog start");
            assertThat(decoded.request()).isEqualTo("18 22");
            assertThat(decoded.summary()).isEqualTo("\"watchdog start\": request 18 22, kcs 0xca2/0xca3, attempt "
                    + "5000000 us, 3 retries, last-words deadline 10000000 us");
        }

        @Test
        void aBigEndianTargetsPayloadReadsTheSameFromMemory() {
            PurgatoryStep be = step("ipmi-request", FailurePolicy.BEST_EFFORT, 0, List.of(0xCA2L, 0xCA3L, 5_000_000L,
                    3L, 10_000_000L, 2L, 0x1822000000000000L, 14L, 0x7761746368646f67L, 0x2073746172740000L), "w");
            byte[] area = StepEncoder.encode(new StepProgram(List.of(be), List.of(), Optional.empty()), BE, 1, KINDS);
            StepDecoder.Step decoded = StepDecoder.decode(area, BE, KINDS).steps().get(0);

            assertThat(decoded.text()).isEqualTo("watchdog start");
            assertThat(decoded.request()).isEqualTo("18 22");
        }

        @Test
        void cpuIpRecordsListTheirOutputsRipOffsetAndNotes() {
            PurgatoryStep cpuIp = step("cpu-ip-records", FailurePolicy.BEST_EFFORT, 0, List.of(0xCA2L, 0xCA3L,
                    5_000_000L, 3L, 10_000_000L, 3L, 0xF0L, 2L, 0x3ec3a400L, 368L, 0x3ed3a400L, 368L), "c");
            byte[] area = StepEncoder.encode(new StepProgram(List.of(cpuIp), List.of(), Optional.empty()), LE, 1, KINDS);

            assertThat(StepDecoder.decode(area, LE, KINDS).listing().get(1)).isEqualTo("main      1 cpu-ip-records "
                    + "best-effort <= 0 us  to console and SEL, ip at NT_PRSTATUS desc + 0xf0, 2 CPUs (cpu 0 "
                    + "0x3ec3a400+368, cpu 1 0x3ed3a400+368), kcs 0xca2/0xca3, attempt 5000000 us, 3 retries, "
                    + "last-words deadline 10000000 us");
        }
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of(step("arch-jump", FailurePolicy.REQUIRED, 0, List.of(), "?"),
                        "main step 1 (arch-jump, \"?\"): unknown step kind; known: [console, print"),
                Arguments.of(step("copy", FailurePolicy.REQUIRED, 0, List.of(1L, 2L), "short"),
                        "main step 1 (copy, \"short\"): takes 3 operands, got 2"),
                Arguments.of(step("print", FailurePolicy.REQUIRED, 0, List.of(1L), "x"),
                        "main step 1 (print, \"x\"): takes no operands (its text is the description), got 1"),
                Arguments.of(step("verify-digests", FailurePolicy.REQUIRED, 0, List.of(), "v"),
                        "main step 1 (verify-digests, \"v\"): the program has no digest table"),
                Arguments.of(step("ipmi-request", FailurePolicy.BEST_EFFORT, 0, List.of(0xCA2L, 0xCA3L, 1L, 0L), "i"),
                        "main step 1 (ipmi-request, \"i\"): takes the 5 transport operands and a request, got 4"),
                Arguments.of(step("ipmi-request", FailurePolicy.BEST_EFFORT, 0,
                                List.of(0xCA2L, 0xCA3L, 1L, 0L, 1L, 41L), "i"),
                        "main step 1 (ipmi-request, \"i\"): request length 41 is outside 2..40"),
                Arguments.of(step("ipmi-request", FailurePolicy.BEST_EFFORT, 0,
                                List.of(0xCA2L, 0xCA3L, 1L, 0L, 1L, 2L, 0x2218L), "i"),
                        "main step 1 (ipmi-request, \"i\"): no label after the request"),
                Arguments.of(step("ipmi-request", FailurePolicy.BEST_EFFORT, 0,
                                List.of(0xCA2L, 0xCA3L, 1L, 0L, 1L, 2L, 0x2218L, 9L, 0x41L), "i"),
                        "main step 1 (ipmi-request, \"i\"): request and label take 10 operands, got 9"),
                Arguments.of(step("cpu-ip-records", FailurePolicy.BEST_EFFORT, 0,
                                List.of(0xCA2L, 0xCA3L, 1L, 0L, 1L, 1L, 0xF0L, 2L, 0x1000L, 368L), "c"),
                        "main step 1 (cpu-ip-records, \"c\"): CPU count 2 does not match its 10 operands"));
    }

    @Nested
    class ABrokenStep {
        @ParameterizedTest(name = "{1}")
        @MethodSource("io.handoff.core.purgatory.StepEncoderTests#broken")
        void isAnInternalErrorNamingTheStep(PurgatoryStep step, String message) {
            StepProgram program = new StepProgram(List.of(step), List.of(), Optional.empty());

            assertThatThrownBy(() -> StepEncoder.encode(program, LE, 1, KINDS))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.INTERNAL))
                    .hasMessageStartingWith("purgatory program: " + message);
        }

        @Test
        void inTheFallbackIsNamedAsSuch() {
            StepProgram program = new StepProgram(List.of(), List.of(step("halt", FailurePolicy.REQUIRED, 0,
                    List.of(), "h")), Optional.empty());

            assertThatThrownBy(() -> StepEncoder.encode(program, BE, 1, KINDS))
                    .hasMessage("purgatory program: fallback step 1 (halt, \"h\"): takes 1 operands, got 0");
        }
    }
}
