package io.handoff.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.Direction;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HoleFinderTests {
    private static final long PAGE = 4096;
    private static final long NO_LIMIT = Long.MAX_VALUE;

    private static MemoryRange ram(long start, long end) {
        return new MemoryRange(start, end, RangeType.RAM);
    }

    private static Segment segment(String role, long mem, long memsz) {
        return new Segment(role, new SegmentData.Zeros(), mem, memsz);
    }

    private static Placement placement(long align, long min, long max, Direction direction) {
        return new Placement(align, min, max, direction);
    }

    @Nested
    class Directions {
        private final HoleFinder finder = new HoleFinder(List.of(ram(0x100000, 0x1fffffff)), PAGE);

        @Test
        void bottomUpTakesTheLowestBase() {
            assertThat(finder.locate(List.of(), 0x1000, Placement.anywhere(PAGE, Direction.BOTTOM_UP)))
                    .hasValue(0x100000);
        }

        @Test
        void topDownTakesTheHighestBase() {
            assertThat(finder.locate(List.of(), 0x1000, Placement.anywhere(PAGE, Direction.TOP_DOWN)))
                    .hasValue(0x1ffff000);
        }

        @Test
        void topDownTakesTheLastFittingRangeNotTheLargest() {
            HoleFinder f = new HoleFinder(List.of(ram(0x100000, 0x1fffffff), ram(0x30000000, 0x30001fff)), PAGE);
            assertThat(f.locate(List.of(), 0x2000, Placement.anywhere(PAGE, Direction.TOP_DOWN)))
                    .hasValue(0x30000000);
            assertThat(f.locate(List.of(), 0x3000, Placement.anywhere(PAGE, Direction.TOP_DOWN)))
                    .hasValue(0x1fffd000);
        }
    }

    @Nested
    class Alignment {
        @ParameterizedTest(name = "align {0} {1} -> {2}")
        @CsvSource({
            "0x200000, BOTTOM_UP, 0x200000",
            "0x200000, TOP_DOWN,  0x1fe00000",
            // below the page size the alignment is raised to a page
            "0x10,     BOTTOM_UP, 0x101000",
            "0x400,    TOP_DOWN,  0x1ffff000",
        })
        void roundsTheBaseToTheAlignment(String align, Direction direction, String expected) {
            HoleFinder finder = new HoleFinder(List.of(ram(0x100010, 0x1fffffff)), PAGE);
            assertThat(finder.locate(List.of(), 0x1000, Placement.anywhere(Long.decode(align), direction)))
                    .hasValue(Long.decode(expected));
        }

        @Test
        void aHoleThatOnlyFitsBeforeAlignmentIsSkipped() {
            HoleFinder finder = new HoleFinder(List.of(ram(0x101000, 0x201fff)), PAGE);
            assertThat(finder.locate(List.of(), 0x100000, Placement.anywhere(0x100000, Direction.BOTTOM_UP)))
                    .isEmpty();
            assertThat(finder.locate(List.of(), 0x1000, Placement.anywhere(0x100000, Direction.BOTTOM_UP)))
                    .hasValue(0x200000);
        }
    }

    @Nested
    class Bounds {
        private final HoleFinder finder = new HoleFinder(List.of(ram(0x100000, 0x1fffffff)), PAGE);

        @Test
        void minRaisesTheBottomUpBase() {
            assertThat(finder.locate(List.of(), 0x1000, placement(PAGE, 0x1000000, NO_LIMIT, Direction.BOTTOM_UP)))
                    .hasValue(0x1000000);
        }

        @Test
        void maxIsTheHighestLastByte() {
            assertThat(finder.locate(List.of(), 0x1000, placement(PAGE, 0, 0xffffff, Direction.TOP_DOWN)))
                    .hasValue(0xfff000);
            // an unaligned max: the segment must still end at or below it
            assertThat(finder.locate(List.of(), 0x1000, placement(PAGE, 0, 0xfffffe, Direction.TOP_DOWN)))
                    .hasValue(0xffe000);
        }

        @Test
        void boundsOutsideRamFindNothing() {
            assertThat(finder.locate(List.of(), 0x1000, placement(PAGE, 0x20000000, NO_LIMIT, Direction.BOTTOM_UP)))
                    .isEmpty();
            assertThat(finder.locate(List.of(), 0x1000, placement(PAGE, 0, 0xfffff, Direction.TOP_DOWN)))
                    .isEmpty();
        }
    }

    @Nested
    class Fit {
        private final HoleFinder finder = new HoleFinder(List.of(ram(0x1000, 0x2fff)), PAGE);

        @ParameterizedTest
        @CsvSource({"BOTTOM_UP", "TOP_DOWN"})
        void anExactFitIsAccepted(Direction direction) {
            assertThat(finder.locate(List.of(), 0x2000, Placement.anywhere(PAGE, direction))).hasValue(0x1000);
        }

        @ParameterizedTest
        @CsvSource({"BOTTOM_UP", "TOP_DOWN"})
        void oneByteTooLargeDoesNotFit(Direction direction) {
            assertThat(finder.locate(List.of(), 0x2001, Placement.anywhere(PAGE, direction))).isEmpty();
        }

        @Test
        void adjacentRangesAreSearchedSeparatelyAsKexecToolsDoes() {
            HoleFinder split = new HoleFinder(List.of(ram(0x1000, 0x1fff), ram(0x2000, 0x2fff)), PAGE);
            assertThat(split.locate(List.of(), 0x2000, Placement.anywhere(PAGE, Direction.BOTTOM_UP))).isEmpty();
        }

        @Test
        void onlyRamCounts() {
            HoleFinder f = new HoleFinder(List.of(new MemoryRange(0x1000, 0xffff, RangeType.RESERVED)), PAGE);
            assertThat(f.locate(List.of(), 0x1000, Placement.anywhere(PAGE, Direction.BOTTOM_UP))).isEmpty();
        }
    }

    @Nested
    class PlacedSegments {
        private final HoleFinder finder = new HoleFinder(List.of(ram(0, 0xffff)), PAGE);
        private final List<Segment> placed = List.of(segment("a", 0x4000, 0x4000), segment("b", 0xc000, 0x1000));

        @Test
        void segmentsAreNotFree() {
            assertThat(finder.freeHoles(placed)).containsExactly(ram(0, 0x3fff), ram(0x8000, 0xbfff),
                    ram(0xd000, 0xffff));
        }

        @Test
        void bottomUpSkipsHolesThatAreTooSmall() {
            assertThat(finder.locate(placed, 0x4000, Placement.anywhere(PAGE, Direction.BOTTOM_UP))).hasValue(0);
            assertThat(finder.locate(placed, 0x5000, Placement.anywhere(PAGE, Direction.BOTTOM_UP))).isEmpty();
        }

        @Test
        void topDownUsesTheHighestHoleThatFits() {
            assertThat(finder.locate(placed, 0x3000, Placement.anywhere(PAGE, Direction.TOP_DOWN))).hasValue(0xd000);
            assertThat(finder.locate(placed, 0x4000, Placement.anywhere(PAGE, Direction.TOP_DOWN))).hasValue(0x8000);
        }
    }

    /**
     * kexec-tools 2.0.25's own placements for {@code kexec -p} on the QEMU profile (segments.txt in
     * src/test/resources/kexec-tools/qemu-pc-x86_64-1g), replayed in its order: backup, ELF core header,
     * purgatory, zero page, kernel, initrd, each top-down in the crash region 0x2e000000-0x3dffffff.
     */
    @Test
    void reproducesKexecToolsPlacementsForTheQemuProfile() {
        HoleFinder finder = new HoleFinder(List.of(ram(0x2e000000L, 0x3dffffffL)), PAGE);
        List<Segment> placed = new ArrayList<>();
        long[][] steps = {
            // memsz, align, min, expected base
            {0x9f000, 1024, 0, 0x3df61000L},
            {0x4000, 1024, 0, 0x3df5d000L},
            {0x9000, 16, 0x3000, 0x3df54000L},
            {0x6000, 16, 0x3000, 0x3df4e000L},
            {0x3f97000, 0x200000, 0x1000000, 0x39e00000L},
            {0x100000, 4096, 0x1000000, 0x3de4e000L},
        };
        for (long[] step : steps) {
            OptionalLong base = finder.locate(placed, step[0], placement(step[1], step[2], NO_LIMIT,
                    Direction.TOP_DOWN));
            assertThat(base).hasValue(step[3]);
            placed.add(segment("s" + placed.size(), base.getAsLong(), step[0]));
        }
    }
}
