package io.handoff.core.purgatory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.handoff.core.plan.Contributions;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.Machine;
import io.handoff.api.plan.Direction;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.spi.DumpFallback;
import io.handoff.api.spi.PurgatoryStepContributor;
import io.handoff.core.config.PurgatorySettings;
import io.handoff.core.digest.ChunkDigest;
import io.handoff.core.digest.SegmentDigest;
import io.handoff.core.digest.SegmentDigester;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plan.Planner;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.testing.Fixtures;
import io.handoff.core.testing.MapSettings;
import io.handoff.core.testing.SyntheticPurgatory;
import io.handoff.core.testing.ToyPlatform;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PurgatoryLinkerTests {
    static final long CRASH_START = 0x2e000000L;
    static final long CRASH_END = 0x3dffffffL;
    static final int CHUNK = 1 << 20;

    @TempDir
    Path tmp;

    Path kernel;
    Path initrd;
    ProfileMachine machine;

    /** A contributor of one fixed step. */
    static PurgatoryStepContributor oneStep(String id, PurgatoryStep step) {
        return new PurgatoryStepContributor() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public List<String> stepNames() {
                return List.of(step.kind());
            }

            @Override
            public List<PurgatoryStep> steps(PlanContext context) {
                return List.of(step);
            }
        };
    }

    /** The steps a platform would contribute: console, banner, a copy for kdump, the jump. */
    static final class ToySteps implements PurgatoryStepContributor {
        @Override
        public String id() {
            return "toy-steps";
        }

        @Override
        public List<String> stepNames() {
            return List.of("console", "print", "copy", "jump");
        }

        @Override
        public List<PurgatoryStep> steps(PlanContext context) {
            Segment k = role(context, "kernel");
            Segment setup = role(context, "setup");
            List<Long> regs = new ArrayList<>(Collections.nCopies(17, 0L));
            regs.set(4, setup.mem());
            regs.set(16, k.mem() + 0x200);
            List<PurgatoryStep> steps = new ArrayList<>(List.of(
                    new PurgatoryStep("console", FailurePolicy.BEST_EFFORT, Duration.ofMillis(1), List.of(0x3f8L, 1L),
                            "uart"),
                    new PurgatoryStep("print", FailurePolicy.BEST_EFFORT, Duration.ofMillis(1), List.of(),
                            "toy purgatory, " + context.segments().size() + " segments")));
            if (context.request().crash()) {
                steps.add(new PurgatoryStep("copy", FailurePolicy.REQUIRED, Duration.ofMillis(2),
                        List.of(0x1000L, role(context, "backup").mem(), 0x1000L), "backup"));
            }
            steps.add(new PurgatoryStep("jump", FailurePolicy.REQUIRED, Duration.ZERO, regs, "jump"));
            return steps;
        }

        static Segment role(PlanContext context, String role) {
            return context.segments().stream().filter(s -> s.role().equals(role)).findFirst().orElseThrow();
        }
    }

    /** A fallback with a priority and steps, or none when unavailable. */
    record ToyFallback(String id, int priority, Optional<List<PurgatoryStep>> steps) implements DumpFallback {
        @Override
        public Optional<List<PurgatoryStep>> steps(Machine machine) {
            return steps;
        }
    }

    static final List<PurgatoryStep> HALT = List.of(
            new PurgatoryStep("print", FailurePolicy.BEST_EFFORT, Duration.ofMillis(1), List.of(), "halting"),
            new PurgatoryStep("halt", FailurePolicy.REQUIRED, Duration.ZERO, List.of(1L), "halt"));

    static final List<DumpFallback> FALLBACKS = List.of(
            new ToyFallback("z-reset", 200, Optional.of(List.of(
                    new PurgatoryStep("reset", FailurePolicy.REQUIRED, Duration.ZERO, List.of(1L), "reset")))),
            new ToyFallback("a-halt", 100, Optional.of(HALT)),
            new ToyFallback("dump-device", 10, Optional.empty()));

    @BeforeEach
    void files() throws IOException {
        byte[] k = new byte[3 * CHUNK + 17];
        new Random(5).nextBytes(k);
        kernel = Files.write(tmp.resolve("vmlinuz"), k);
        initrd = Files.write(tmp.resolve("initrd"), new byte[CHUNK + 5]);
        machine = ProfileMachine.at(Fixtures.profile("qemu-pc-x86_64-1g"));
    }

    HandoffImage plan(PlanRequest.Mode mode, Optional<byte[]> blob, Consumer<PlanContext> extra,
                      List<PurgatoryStepContributor> steps, PurgatorySettings settings) {
        PlanRequest request = new PlanRequest(mode, kernel, Optional.of(initrd), "console=ttyS0", Map.of());
        return new Planner(new SegmentDigester(CHUNK, 2), settings).plan(new ToyPlatform(extra, blob),
                MapSettings.empty(), Contributions.of(steps, FALLBACKS), machine, request);
    }

    HandoffImage kdump() {
        return plan(PlanRequest.Mode.KDUMP, Optional.of(SyntheticPurgatory.blob()), ctx -> { },
                List.of(new ToySteps()), PurgatorySettings.DEFAULTS);
    }

    static Segment purgatory(HandoffImage image) {
        return image.segments().stream().filter(s -> s.role().equals("purgatory")).findFirst().orElseThrow();
    }

    static byte[] bytes(Segment s) {
        return ((SegmentData.Bytes) s.data()).data();
    }

    @Nested
    class Placement_ {
        @Test
        void putsPurgatoryInTheCrashRegionPageAlignedWithItsImageSize() {
            HandoffImage image = kdump();
            Segment p = purgatory(image);

            assertThat(image.purgatory()).isTrue();
            assertThat(p.mem()).isBetween(CRASH_START, CRASH_END);
            assertThat(p.end()).isLessThanOrEqualTo(CRASH_END);
            assertThat(p.mem() % 4096).isZero();
            assertThat(p.memsz()).isEqualTo(SyntheticPurgatory.IMAGE_SIZE);
            assertThat(p.bufsz()).isEqualTo(SyntheticPurgatory.BLOB_LENGTH);
        }

        @Test
        void entersAtTheImageEntryAndKeepsTheKernelEntryForTheJump() {
            HandoffImage image = kdump();
            Segment kernelSeg = image.segments().stream().filter(s -> s.role().equals("kernel")).findFirst()
                    .orElseThrow();

            assertThat(image.entry()).isEqualTo(purgatory(image).mem() + SyntheticPurgatory.ENTRY);
            assertThat(image.plan().entry()).isEqualTo(kernelSeg.mem() + 0x200);
            assertThat(image.linkedPurgatory().orElseThrow().decoded().steps().get(4).operands().get(16))
                    .isEqualTo(kernelSeg.mem() + 0x200);
        }

        @Test
        void withoutPlatformCallGoesTopDownAbove0x3000LikeKexecTools() {
            HandoffImage image = kdump();
            Segment p = purgatory(image);

            // the toy leaves kernel 0x3dc00000+0x301000, setup 0x3dfff000, backup 0x3df5f000+0xa0000: the highest
            // page-aligned 0x9000 bytes below the backup are the first fit from the top
            assertThat(image.segments()).extracting(Segment::role, Segment::mem).contains(
                    tuple("backup", 0x3df5f000L));
            assertThat(p.mem()).isEqualTo(0x3df56000L);
        }

        @Test
        void goesWhereThePlatformPlacesIt() {
            HandoffImage image = plan(PlanRequest.Mode.KDUMP, Optional.of(SyntheticPurgatory.blob()),
                    ctx -> assertThat(ctx.placePurgatory(new Placement(16, 0x3000, Long.MAX_VALUE,
                            Direction.BOTTOM_UP))).hasValueSatisfying(s -> assertThat(s.role()).isEqualTo("purgatory")),
                    List.of(new ToySteps()), PurgatorySettings.DEFAULTS);

            assertThat(purgatory(image).mem()).isEqualTo(CRASH_START); // bottom-up, alignment raised to a page
        }

        @Test
        void placedTwiceIsAPlatformBug() {
            Placement p = new Placement(4096, 0x3000, Long.MAX_VALUE, Direction.TOP_DOWN);

            assertThatThrownBy(() -> plan(PlanRequest.Mode.KDUMP, Optional.of(SyntheticPurgatory.blob()), ctx -> {
                ctx.placePurgatory(p);
                ctx.placePurgatory(p);
            }, List.of(new ToySteps()), PurgatorySettings.DEFAULTS))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.PLATFORM))
                    .hasMessageStartingWith("purgatory: placed twice by the platform (already at 0x");
        }

        @Test
        void withoutAnImageThePlanHasNoPurgatoryAndSaysSo() {
            HandoffImage image = plan(PlanRequest.Mode.KDUMP, Optional.empty(),
                    ctx -> assertThat(ctx.placePurgatory(PurgatoryLinker.DEFAULT_PLACEMENT)).isEmpty(),
                    List.of(new ToySteps()), PurgatorySettings.DEFAULTS);

            assertThat(image.purgatory()).isFalse();
            assertThat(image.segments()).extracting(Segment::role).doesNotContain("purgatory");
            assertThat(image.entry()).isEqualTo(image.plan().entry());
            assertThat(image.digests()).hasSameSizeAs(image.segments());
        }

        @Test
        void anImageForAnotherArchitectureIsRefused() {
            byte[] s390 = SyntheticPurgatory.blob(ByteOrder.LITTLE_ENDIAN, 0x100, 0x1000, 0x1000, 0x3000, 22, 0x2000);

            assertThatThrownBy(() -> plan(PlanRequest.Mode.KDUMP, Optional.of(s390), ctx -> { },
                    List.of(new ToySteps()), PurgatorySettings.DEFAULTS))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNSUPPORTED_IMAGE))
                    .hasMessage("platform toy purgatory image: purgatory header offset 0x1c: arch 22, expected 62 "
                            + "(e_machine of toy)");
        }
    }

    @Nested
    class TheProgram {
        @Test
        void contributorsLearnWhichPlatformTheyPlanFor() {
            List<String> seen = new ArrayList<>();
            PurgatoryStepContributor spy = new PurgatoryStepContributor() {
                @Override
                public String id() {
                    return "spy";
                }

                @Override
                public List<String> stepNames() {
                    return List.of();
                }

                @Override
                public List<PurgatoryStep> steps(PlanContext context) {
                    seen.add(context.platformId().orElseThrow() + " " + context.elfMachine().orElseThrow() + " "
                            + context.byteOrder().orElseThrow());
                    return List.of();
                }
            };
            plan(PlanRequest.Mode.KDUMP, Optional.of(SyntheticPurgatory.blob()), ctx -> { },
                    List.of(spy, new ToySteps()), PurgatorySettings.DEFAULTS);

            assertThat(seen).containsExactly("toy 62 LITTLE_ENDIAN");
        }

        @Test
        void runsSetupThenTheDigestCheckThenTheRestThenTheJump() {
            LinkedPurgatory linked = kdump().linkedPurgatory().orElseThrow();

            assertThat(linked.program().steps()).extracting(PurgatoryStep::kind)
                    .containsExactly("console", "print", "verify-digests", "copy", "jump");
            assertThat(linked.program().steps().get(2).policy()).isEqualTo(FailurePolicy.REQUIRED);
        }

        @Test
        void setsUpTheConsoleFirstWhicheverContributorComesFirst() {
            // a contributor ordered before the platform's (last words) with its own set-up step: its line must
            // reach a console that already exists
            PurgatoryStepContributor early = oneStep("early", new PurgatoryStep("rtc", FailurePolicy.BEST_EFFORT,
                    Duration.ofMillis(1), List.of(0x70L, 0x71L), "rtc"));
            HandoffImage image = plan(PlanRequest.Mode.KDUMP, Optional.of(SyntheticPurgatory.blob()), ctx -> { },
                    List.of(early, new ToySteps()), PurgatorySettings.DEFAULTS);

            assertThat(image.linkedPurgatory().orElseThrow().program().steps()).extracting(PurgatoryStep::kind)
                    .containsExactly("console", "rtc", "print", "verify-digests", "copy", "jump");
        }

        @Test
        void fallsBackToTheFirstAvailableFallbackByPriority() {
            LinkedPurgatory linked = kdump().linkedPurgatory().orElseThrow();

            assertThat(linked.program().fallback()).isEqualTo(HALT);
        }

        @Test
        void isWrittenIntoTheParameterAreaAndNothingElseOfTheBlobChanges() {
            HandoffImage image = kdump();
            LinkedPurgatory linked = image.linkedPurgatory().orElseThrow();
            byte[] area = StepEncoder.encode(linked.program(), ByteOrder.LITTLE_ENDIAN, 1_000_000,
                    new StepKinds(io.handoff.core.testing.ToyPlatform.STEPS));
            byte[] loaded = bytes(purgatory(image));
            byte[] blob = SyntheticPurgatory.blob();
            int from = SyntheticPurgatory.PARAM_OFFSET;

            assertThat(Arrays.copyOfRange(loaded, from, from + area.length)).isEqualTo(area);
            assertThat(Arrays.copyOfRange(loaded, 0, from)).isEqualTo(Arrays.copyOfRange(blob, 0, from));
            assertThat(Arrays.copyOfRange(loaded, from + area.length, loaded.length))
                    .isEqualTo(Arrays.copyOfRange(blob, from + area.length, blob.length));
        }

        @Test
        void verifiesEveryOtherSegmentWithThePlansChunkDigests() {
            HandoffImage image = kdump();
            StepDecoder.Step verify = image.linkedPurgatory().orElseThrow().decoded().steps().get(2);
            List<Segment> others = image.segments().stream().filter(s -> !s.role().equals("purgatory")).toList();
            List<SegmentDigest> otherDigests = image.digests().stream().filter(d -> !d.role().equals("purgatory"))
                    .toList();

            assertThat(verify.name()).isEqualTo("verify-digests");
            assertThat(verify.operands()).containsExactly((long) CHUNK, (long) others.size());
            assertThat(verify.segments()).extracting(StepDecoder.Segment::mem)
                    .containsExactlyElementsOf(others.stream().map(Segment::mem).toList());
            for (int i = 0; i < others.size(); i++) {
                StepDecoder.Segment s = verify.segments().get(i);
                assertThat(s.bufsz()).isEqualTo(others.get(i).bufsz());
                assertThat(s.memsz()).isEqualTo(others.get(i).memsz());
                assertThat(s.chunkSha256()).isEqualTo(otherDigests.get(i).chunks().stream()
                        .map(c -> HexFormat.of().formatHex(c.sha256())).toList());
            }
            assertThat(verify.segments().stream().mapToInt(s -> s.chunkSha256().size()).sum())
                    .isEqualTo(4 + 2 + 1 + 0); // kernel 3 MiB + 17, initrd 1 MiB + 5, 3-byte setup, empty backup
        }

        @Test
        void theDigestsOfThePlanCoverPurgatoryAsLoadedWithItsProgram() throws Exception {
            HandoffImage image = kdump();
            Segment p = purgatory(image);
            int index = image.segments().indexOf(p);
            SegmentDigest d = image.digests().get(index);

            assertThat(d.index()).isEqualTo(index);
            assertThat(d.role()).isEqualTo("purgatory");
            assertThat(d.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(bytes(p)));
            for (int i = 0; i < image.segments().size(); i++) {
                assertThat(image.digests().get(i).index()).isEqualTo(i);
                assertThat(image.digests().get(i).mem()).isEqualTo(image.segments().get(i).mem());
            }
        }

        @Test
        void boundsTheDigestCheckByTheBytesToReadAtTheAssumedRate() {
            HandoffImage image = kdump();
            long bytes = image.segments().stream().filter(s -> !s.role().equals("purgatory"))
                    .mapToLong(Segment::memsz).sum();
            PurgatoryStep verify = image.linkedPurgatory().orElseThrow().program().steps().get(2);

            assertThat(StepEncoder.micros(verify.worstCase()))
                    .isEqualTo((bytes * 1_000_000 + (50L << 20) - 1) / (50L << 20));
            assertThat(image.linkedPurgatory().orElseThrow().decoded().budgetUs())
                    .isEqualTo(StepEncoder.micros(image.linkedPurgatory().orElseThrow().program().worstCase()));
        }

        @Test
        void aKexecLoadLinksToo() {
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, Optional.of(SyntheticPurgatory.blob()), ctx -> { },
                    List.of(new ToySteps()), PurgatorySettings.DEFAULTS);

            assertThat(image.linkedPurgatory().orElseThrow().program().steps()).extracting(PurgatoryStep::kind)
                    .containsExactly("console", "print", "verify-digests", "jump");
            assertThat(image.entry()).isEqualTo(purgatory(image).mem() + SyntheticPurgatory.ENTRY);
        }
    }

    @Nested
    class Refusals {
        @Test
        void aProgramOverTheBudgetIsRefusedListingEveryStepAndItsBound() {
            HandoffImage fits = kdump();
            long bytes = fits.segments().stream().filter(s -> !s.role().equals("purgatory"))
                    .mapToLong(Segment::memsz).sum();
            long rate = 1 << 20;
            long verifyUs = (bytes * 1_000_000 + rate - 1) / rate;
            long totalUs = verifyUs + 1000 + 1000 + 2000 + 1000;
            PurgatorySettings slow = new PurgatorySettings(Duration.ofSeconds(1), 1_000_000, rate);

            assertThatThrownBy(() -> plan(PlanRequest.Mode.KDUMP, Optional.of(SyntheticPurgatory.blob()), ctx -> { },
                    List.of(new ToySteps()), slow))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.DOES_NOT_FIT))
                    .hasMessage("purgatory program needs at most " + seconds(totalUs) + " s but "
                            + "handoff.purgatory.budget is 1 s: console 0.001 s, print 0.001 s, verify-digests "
                            + seconds(verifyUs) + " s, copy 0.002 s, jump 0 s, fallback print 0.001 s, "
                            + "fallback halt 0 s");
        }

        private String seconds(long micros) {
            return new BigDecimal(micros).movePointLeft(6).stripTrailingZeros().toPlainString();
        }

        @Test
        void aProgramLargerThanTheParameterAreaDoesNotFit() {
            byte[] small = SyntheticPurgatory.blob(ByteOrder.LITTLE_ENDIAN, 0x760, 0x1000, 0x100, 0x9000, 62, 0x2000);

            assertThatThrownBy(() -> plan(PlanRequest.Mode.KDUMP, Optional.of(small), ctx -> { },
                    List.of(new ToySteps()), PurgatorySettings.DEFAULTS))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.DOES_NOT_FIT))
                    .hasMessageStartingWith("purgatory: the step program needs ")
                    .hasMessageContaining("bytes but the image's parameter area holds 256 (4 segments, 7 digest chunks");
        }

        @Test
        void aContributedDigestCheckIsRefused() {
            PurgatoryStepContributor verify = oneStep("own-digests", new PurgatoryStep("verify-digests",
                    FailurePolicy.REQUIRED, Duration.ZERO, List.of(), "mine"));

            assertThatThrownBy(() -> plan(PlanRequest.Mode.KDUMP, Optional.of(SyntheticPurgatory.blob()), ctx -> { },
                    List.of(verify, new ToySteps()), PurgatorySettings.DEFAULTS))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.PLATFORM))
                    .hasMessage("purgatory step contributor own-digests: contributes verify-digests, which is the "
                            + "framework's own step");
        }

        @Test
        void aProgramThatNeverHandsOverIsRefused() {
            assertThatThrownBy(() -> plan(PlanRequest.Mode.KDUMP, Optional.of(SyntheticPurgatory.blob()), ctx -> { },
                    List.of(), PurgatorySettings.DEFAULTS))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.PLATFORM))
                    .hasMessage("purgatory program of platform toy never hands over: no contributed step jumps, halts "
                            + "or resets (steps: verify-digests)");
        }

        @Test
        void twoJumpsAreRefused() {
            assertThatThrownBy(() -> plan(PlanRequest.Mode.KDUMP, Optional.of(SyntheticPurgatory.blob()), ctx -> { },
                    List.of(new ToySteps(), new ToySteps()), PurgatorySettings.DEFAULTS))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.PLATFORM))
                    .hasMessageContaining("a step that never returns must be the last and only one");
        }
    }

    @Test
    void chunkDigestsAreTheDigestersOwn() {
        // guard for the table above: a chunk digest is the SHA-256 of exactly its bytes
        ChunkDigest c = kdump().digests().stream().filter(d -> d.role().equals("kernel")).findFirst().orElseThrow()
                .chunks().get(3);
        assertThat(c.offset()).isEqualTo(3L * CHUNK);
        assertThat(c.length()).isEqualTo(17);
    }
    @Nested
    class Ports {
        PurgatoryStep console = new PurgatoryStep("console", PurgatoryStep.FailurePolicy.BEST_EFFORT,
                java.time.Duration.ofMillis(1), List.of(0x3F8L, 1L), "uart");

        PurgatoryStep ipmi(long data, long status) {
            return new PurgatoryStep("ipmi-request", PurgatoryStep.FailurePolicy.BEST_EFFORT,
                    java.time.Duration.ofSeconds(1), List.of(data, status, 1L, 1L, 1L, 2L, 0x0118L, 1L, 0x41L), "id");
        }

        @Test
        void kcsPortsInsideTheConsolesUartAreRefused() {
            assertThatThrownBy(() -> PurgatoryLinker.checkPorts(List.of(console, ipmi(0x3FC, 0x3FD)), List.of()))
                    .isInstanceOfSatisfying(HandoffException.class, e -> {
                        assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION);
                        assertThat(e.kind().exitCode()).isEqualTo(11);
                        assertThat(e).hasMessage("handoff.last-words.kcs-ports (--ipmi-kcs-ports): KCS ports 0x3fc,"
                                + "0x3fd overlap the serial console's UART at 0x3f8..0x3ff; the BMC's ports must be"
                                + " others");
                    });
        }

        @Test
        void theStatusPortAloneOverlappingIsRefusedToo() {
            assertThatThrownBy(() -> PurgatoryLinker.checkPorts(List.of(console), List.of(ipmi(0x3F7, 0x3F8))))
                    .hasMessageContaining("KCS ports 0x3f7,0x3f8 overlap");
        }

        @Test
        void portsNextToTheUartAreFine() {
            PurgatoryLinker.checkPorts(List.of(console, ipmi(0x3F6, 0x3F7), ipmi(0x400, 0x401), ipmi(0xCA2, 0xCA3)),
                    List.of());
        }
    }
}
