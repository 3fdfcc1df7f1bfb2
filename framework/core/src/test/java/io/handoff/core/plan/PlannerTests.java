package io.handoff.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.Direction;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.core.digest.SegmentDigester;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.testing.Fixtures;
import io.handoff.core.testing.MapSettings;
import io.handoff.core.testing.ToyPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTests {
    private static final long CRASH_START = 0x2e000000L;
    private static final long CRASH_END = 0x3dffffffL;

    @TempDir
    Path tmp;

    Path kernel;
    Path initrd;
    ProfileMachine machine;

    @BeforeEach
    void files() throws IOException {
        kernel = tmp.resolve("vmlinuz");
        initrd = tmp.resolve("initrd");
        Files.write(kernel, new byte[3 * 1024 * 1024 + 17]);
        Files.write(initrd, new byte[1024 * 1024 + 5]);
        machine = ProfileMachine.at(Fixtures.profile("qemu-pc-x86_64-1g"));
    }

    HandoffImage plan(PlanRequest.Mode mode, Consumer<io.handoff.api.plan.PlanContext> extra) {
        PlanRequest request = new PlanRequest(mode, kernel, Optional.of(initrd), "console=ttyS0", Map.of());
        return new Planner(new SegmentDigester(1 << 20, 2)).plan(new ToyPlatform(extra), MapSettings.empty(),
                Contributions.NONE, machine, request);
    }

    @Nested
    class Kdump {
        @Test
        void everySegmentLandsInTheCrashRegionTopDown() {
            HandoffImage image = plan(PlanRequest.Mode.KDUMP, ctx -> { });
            assertThat(image.crashRegion()).hasValueSatisfying(r -> {
                assertThat(r.start()).isEqualTo(CRASH_START);
                assertThat(r.end()).isEqualTo(CRASH_END);
            });
            assertThat(image.segments()).allSatisfy(s -> {
                assertThat(s.mem()).isBetween(CRASH_START, CRASH_END);
                assertThat(s.end()).isLessThanOrEqualTo(CRASH_END);
                assertThat(s.mem() % 4096).isZero();
                assertThat(s.memsz() % 4096).isZero();
            });
            // the kernel goes first, top-down at 2 MiB alignment: the highest 2 MiB boundary that fits 3 MiB + 17
            Segment kernelSeg = image.segments().stream().filter(s -> s.role().equals("kernel")).findFirst().orElseThrow();
            assertThat(kernelSeg.mem()).isEqualTo(0x3dc00000L);
            assertThat(kernelSeg.memsz()).isEqualTo(0x301000L);
            assertThat(image.kexecFlags()).isEqualTo((62L << 16) | 1);
            assertThat(image.plan().registers()).containsEntry("rip", kernelSeg.mem() + 0x200);
        }

        @Test
        void segmentsAreSortedByAddressAndEachHasADigest() {
            HandoffImage image = plan(PlanRequest.Mode.KDUMP, ctx -> { });
            assertThat(image.segments()).extracting(Segment::mem).isSorted();
            assertThat(image.digests()).hasSameSizeAs(image.segments());
            for (int i = 0; i < image.segments().size(); i++) {
                assertThat(image.digests().get(i).mem()).isEqualTo(image.segments().get(i).mem());
                assertThat(image.digests().get(i).zeroTailLength())
                        .isEqualTo(image.segments().get(i).memsz() - image.segments().get(i).bufsz());
            }
        }

        @Test
        void aCrashRegionOutsideSystemRamIsLoadableAsOnS390() throws IOException {
            // s390 Linux takes the crash region out of System RAM and lists it at the top level of /proc/iomem
            Path profile = tmp.resolve("s390");
            Files.createDirectories(profile.resolve("proc"));
            Files.writeString(profile.resolve("proc/iomem"), "00000000-2fffffff : System RAM\n"
                    + "  00100000-006d4fff : Kernel code\n30000000-3fffffff : Crash kernel\n");
            machine = ProfileMachine.at(profile);

            HandoffImage image = plan(PlanRequest.Mode.KDUMP, ctx -> { });

            assertThat(image.segments()).isNotEmpty().allSatisfy(s -> {
                assertThat(s.mem()).isGreaterThanOrEqualTo(0x30000000L);
                assertThat(s.end()).isLessThanOrEqualTo(0x3fffffffL);
            });
        }

        @Test
        void aMachineWithoutCrashRegionIsRefused() throws IOException {
            Path profile = tmp.resolve("nocrash");
            Files.createDirectories(profile.resolve("proc"));
            Files.writeString(profile.resolve("proc/iomem"),
                    "00001000-0009fbff : System RAM\n00100000-3ffdffff : System RAM\n");
            machine = ProfileMachine.at(profile);
            assertThatThrownBy(() -> plan(PlanRequest.Mode.KDUMP, ctx -> { }))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.NO_CRASH_REGION))
                    .hasMessageContaining("/proc/iomem").hasMessageContaining("crashkernel=");
        }

        @Test
        void aFailedReservationPrintedAsZeroZeroIsNoCrashRegion() throws IOException {
            Path profile = tmp.resolve("failed");
            Files.createDirectories(profile.resolve("proc"));
            Files.writeString(profile.resolve("proc/iomem"), "00000000-0009ebff : System RAM\n"
                    + "  00000000-00000000 : Crash kernel\n00100000-3fffffff : System RAM\n"
                    + "  01000000-01ffffff : Kernel code\n");
            machine = ProfileMachine.at(profile);
            assertThatThrownBy(() -> plan(PlanRequest.Mode.KDUMP, ctx -> { }))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.NO_CRASH_REGION))
                    .hasMessage("/proc/iomem line 2: the \"Crash kernel\" line reads 0-0: the crashkernel= reservation "
                            + "failed; boot with a crashkernel=SIZE the machine can reserve");
        }

        @Test
        void aFileReadWithoutRootPrivilegesIsRefused() throws IOException {
            Path profile = tmp.resolve("unprivileged");
            Files.createDirectories(profile.resolve("proc"));
            Files.writeString(profile.resolve("proc/iomem"), "00000000-00000000 : System RAM\n"
                    + "  00000000-00000000 : Kernel code\n  00000000-00000000 : Crash kernel\n");
            machine = ProfileMachine.at(profile);
            assertThatThrownBy(() -> plan(PlanRequest.Mode.KDUMP, ctx -> { }))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE))
                    .hasMessage("/proc/iomem: every range is 0-0 (the file was read without root privileges)");
        }

        @Test
        void aSegmentThatDoesNotFitNamesTheFreeHolesAndTheSizeAsked() {
            assertThatThrownBy(() -> plan(PlanRequest.Mode.KDUMP, ctx -> ctx.place("huge", new SegmentData.Zeros(),
                    300L << 20, Placement.anywhere(4096, Direction.TOP_DOWN))))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.DOES_NOT_FIT))
                    .hasMessageContaining("huge: no free hole of 300 MiB")
                    .hasMessageContaining("free holes: 0x2e000000-");
        }
    }

    @Nested
    class Kexec {
        @Test
        void segmentsMayUseAllRamAndNoCrashFlagIsSet() {
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, ctx -> { });
            assertThat(image.crashRegion()).isEmpty();
            assertThat(image.kexecFlags()).isEqualTo(62L << 16);
            // top-down over all RAM: the kernel sits under the top of RAM (0x3ffdffff), 2 MiB aligned
            Segment kernelSeg = image.segments().stream().filter(s -> s.role().equals("kernel")).findFirst().orElseThrow();
            assertThat(kernelSeg.mem()).isEqualTo(0x3fc00000L);
        }

        @Test
        void theArchBitsAreThePlatformsKexecArchNotItsElfMachine() {
            ToyPlatform toy = new ToyPlatform();
            io.handoff.api.spi.Platform archDefault = new io.handoff.api.spi.Platform() {
                @Override
                public String id() {
                    return toy.id();
                }

                @Override
                public boolean detect(io.handoff.api.machine.SystemView view) {
                    return true;
                }

                @Override
                public io.handoff.api.plan.PlatformPlan plan(io.handoff.api.plan.PlanContext context) {
                    return toy.plan(context);
                }

                @Override
                public int elfMachine() {
                    return 62;
                }

                // KEXEC_ARCH_DEFAULT: the kernel takes the image as its own
                @Override
                public int kexecArch() {
                    return 0;
                }
            };
            PlanRequest request = new PlanRequest(PlanRequest.Mode.KEXEC, kernel, Optional.of(initrd), "", Map.of());

            HandoffImage image = new Planner(new SegmentDigester(1 << 20, 2)).plan(archDefault, MapSettings.empty(),
                    Contributions.NONE, machine, request);

            assertThat(image.kexecFlags()).isZero();
        }

        @Test
        void bottomUpTakesTheLowestHoleAboveTheMinimum() {
            HandoffImage image = plan(PlanRequest.Mode.KEXEC, ctx -> ctx.place("low", new SegmentData.Zeros(), 5000,
                    new Placement(4096, 0x3000, Long.MAX_VALUE, Direction.BOTTOM_UP)));
            Segment low = image.segments().stream().filter(s -> s.role().equals("low")).findFirst().orElseThrow();
            assertThat(low.mem()).isEqualTo(0x3000L);
            assertThat(low.memsz()).isEqualTo(0x2000L);
        }

        @Test
        void aSeventeenthSegmentIsRefused() {
            assertThatThrownBy(() -> plan(PlanRequest.Mode.KEXEC, ctx -> {
                for (int i = 0; i < 14; i++) {
                    ctx.place("extra" + i, new SegmentData.Zeros(), 4096, Placement.anywhere(4096, Direction.BOTTOM_UP));
                }
            })).isInstanceOfSatisfying(HandoffException.class,
                    e -> assertThat(e.kind()).isEqualTo(FailureKind.DOES_NOT_FIT))
                    .hasMessageContaining("would be segment 17; kexec_load takes at most 16");
        }

        @Test
        void placeAtRefusesMemoryAlreadyTaken() {
            assertThatThrownBy(() -> plan(PlanRequest.Mode.KEXEC, ctx -> {
                Segment s = ctx.place("a", new SegmentData.Zeros(), 8192, Placement.anywhere(4096, Direction.BOTTOM_UP));
                ctx.placeAt("b", new SegmentData.Zeros(), s.mem() + 4096, 4096);
            })).isInstanceOfSatisfying(HandoffException.class,
                    e -> assertThat(e.kind()).isEqualTo(FailureKind.DOES_NOT_FIT))
                    .hasMessageContaining("b: 0x").hasMessageContaining("is not free loadable memory");
        }
    }

    @Nested
    class ThePlatformPlan {
        @Test
        void reachesTheContributorsOnceThePlatformHasPlanned() {
            PlanRequest request = new PlanRequest(PlanRequest.Mode.KEXEC, kernel, Optional.empty(), "console=ttyS0",
                    Map.of());
            PlanSession session = new PlanSession(machine, request, MapSettings.empty(),
                    io.handoff.api.LayoutConstraints.KEXEC_DEFAULTS, Contributions.NONE);
            io.handoff.api.plan.PlatformPlan plan = new io.handoff.api.plan.PlatformPlan(0x1000, Map.of("pc", 0x1000L),
                    "console=ttyS0", Map.of(), List.of());

            assertThat(session.platformPlan()).isEmpty();
            session.recordPlatformPlan(plan);
            assertThat(session.platformPlan()).containsSame(plan);
        }
    }
}
