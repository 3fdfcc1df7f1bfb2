package io.handoff.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MemoryMapsTests {
    private static MemoryRange ram(long start, long end) {
        return new MemoryRange(start, end, RangeType.RAM);
    }

    private static MemoryRange reserved(long start, long end) {
        return new MemoryRange(start, end, RangeType.RESERVED);
    }

    /** Parse "0x1000-0x1fff RAM, 0x3000-0x3fff RESERVED" (empty string = no ranges). */
    static List<MemoryRange> ranges(String spec) {
        List<MemoryRange> out = new ArrayList<>();
        if (spec.isBlank()) {
            return out;
        }
        for (String item : spec.split(";")) {
            String[] parts = item.trim().split("\\s+");
            String[] bounds = parts[0].split("-");
            RangeType type = parts.length > 1 ? RangeType.valueOf(parts[1]) : RangeType.RAM;
            out.add(new MemoryRange(Long.decode(bounds[0]), Long.decode(bounds[1]), type));
        }
        return out;
    }

    @Nested
    class SortAndMerge {
        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource(delimiter = '|', value = {
            "0x2000-0x2fff; 0x0-0xfff                          | 0x0-0xfff; 0x2000-0x2fff",
            "0x0-0xfff; 0x1000-0x1fff                          | 0x0-0x1fff",
            "0x0-0x1fff; 0x1000-0x2fff                         | 0x0-0x2fff",
            "0x0-0x3fff; 0x1000-0x1fff                         | 0x0-0x3fff",
            "0x0-0xfff; 0x1000-0x1fff RESERVED                 | 0x0-0xfff; 0x1000-0x1fff RESERVED",
            "0x0-0xfff; 0x800-0x8ff RESERVED; 0x1000-0x1fff     | 0x0-0x1fff; 0x800-0x8ff RESERVED",
            "0x0-0xfff; 0x1001-0x1fff                          | 0x0-0xfff; 0x1001-0x1fff",
            "0x0-0x7fffffffffffffff; 0x1000-0x1fff             | 0x0-0x7fffffffffffffff",
        })
        void mergesOverlappingOrAdjacentRangesOfTheSameType(String in, String expected) {
            assertThat(MemoryMaps.sortAndMerge(ranges(in))).containsExactlyElementsOf(ranges(expected));
        }
    }

    @Nested
    class Exclude {
        @ParameterizedTest(name = "{0} minus {1} -> {2}")
        @CsvSource(delimiter = '|', value = {
            // a hole in the middle splits the range, as exclude_region() does
            "0x0-0xffff              | 0x4000-0x4fff | 0x0-0x3fff; 0x5000-0xffff",
            "0x0-0xffff              | 0x0-0xfff     | 0x1000-0xffff",
            "0x0-0xffff              | 0xf000-0x1ffff| 0x0-0xefff",
            "0x1000-0x1fff           | 0x0-0xffff    | ''",
            "0x0-0xfff; 0x2000-0x2fff| 0x1000-0x1fff | 0x0-0xfff; 0x2000-0x2fff",
            "0x0-0xfff RESERVED; 0x1000-0x9fbff; 0x100000-0x3ffdffff | 0x2e000000-0x3dffffff | "
                + "0x0-0xfff RESERVED; 0x1000-0x9fbff; 0x100000-0x2dffffff; 0x3e000000-0x3ffdffff",
        })
        void splitsAndTrimsRangesAroundTheHole(String in, String hole, String expected) {
            MemoryRange h = ranges(hole).get(0);
            assertThat(MemoryMaps.exclude(ranges(in), h)).containsExactlyElementsOf(ranges(expected));
        }

        @Test
        void excludeAllRemovesEveryHole() {
            assertThat(MemoryMaps.excludeAll(List.of(ram(0, 0xffff)), List.of(ram(0x1000, 0x1fff), ram(0x8000,
                    0x8fff), reserved(0xf000, 0xffff))))
                    .containsExactly(ram(0, 0xfff), ram(0x2000, 0x7fff), ram(0x9000, 0xefff));
        }

        @Test
        void excludeAllWithoutHolesSorts() {
            assertThat(MemoryMaps.excludeAll(List.of(ram(0x2000, 0x2fff), ram(0, 0xfff)), List.of()))
                    .containsExactly(ram(0, 0xfff), ram(0x2000, 0x2fff));
        }
    }

    @Nested
    class Clip {
        @ParameterizedTest(name = "{0} clipped to {1}..{2} -> {3}")
        @CsvSource(delimiter = '|', value = {
            "0x0-0xffff; 0x20000-0x2ffff | 0x8000 | 0x20fff | 0x8000-0xffff; 0x20000-0x20fff",
            "0x0-0xffff                  | 0x10000| 0x1ffff | ''",
            "0x0-0xffff                  | 0x0    | 0x7fffffffffffffff | 0x0-0xffff",
            "0x0-0xffff                  | 0xffff | 0xffff  | 0xffff-0xffff",
        })
        void keepsOnlyTheBoundedParts(String in, long min, long max, String expected) {
            assertThat(MemoryMaps.clip(ranges(in), min, max)).containsExactlyElementsOf(ranges(expected));
        }
    }

    @Test
    void ofTypeFiltersAndSorts() {
        List<MemoryRange> in = List.of(ram(0x2000, 0x2fff), reserved(0x1000, 0x1fff), ram(0, 0xfff),
                new MemoryRange(0x3000, 0x3fff, RangeType.ACPI));
        assertThat(MemoryMaps.ofType(in, RangeType.RAM)).containsExactly(ram(0, 0xfff), ram(0x2000, 0x2fff));
        assertThat(MemoryMaps.ofType(in, RangeType.RESERVED, RangeType.ACPI))
                .containsExactly(reserved(0x1000, 0x1fff), new MemoryRange(0x3000, 0x3fff, RangeType.ACPI));
        assertThat(MemoryMaps.ofType(in)).isEmpty();
    }

    @Nested
    class AlignInward {
        @ParameterizedTest(name = "{0}-{1} / {2} -> {3}")
        @CsvSource(delimiter = '|', value = {
            "0x1000 | 0x9fbff | 0x400 | 0x1000-0x9fbff",
            "0x1001 | 0x9fbfe | 0x400 | 0x1400-0x9f7ff",
            "0x3dfffc00 | 0x3dffffff | 0x400 | 0x3dfffc00-0x3dffffff",
            "0x100 | 0x4ff | 0x400 | ''",
            "0x0 | 0x3ff | 0x400 | 0x0-0x3ff",
            "0x0 | 0x7fffffffffffffff | 0x1000 | 0x0-0x7fffffffffffffff",
            "0x7ffffffffffff001 | 0x7fffffffffffffff | 0x1000 | ''",
        })
        void shrinksToWholeUnits(long start, long end, long align, String expected) {
            Optional<MemoryRange> expectedRange = expected.isEmpty() ? Optional.empty()
                    : Optional.of(ranges(expected).get(0));
            assertThat(MemoryMaps.alignInward(ram(start, end), align)).isEqualTo(expectedRange);
        }

        @Test
        void keepsTheType() {
            assertThat(MemoryMaps.alignInward(reserved(0x10, 0x1000), 0x400)).contains(reserved(0x400, 0xfff));
        }

        @Test
        void rejectsAnAlignmentThatIsNotAPowerOfTwo() {
            assertThatThrownBy(() -> MemoryMaps.alignInward(ram(0, 0xfff), 0x300))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class RequireSortedDisjoint {
        @Test
        void acceptsSortedDisjointRanges() {
            MemoryMaps.requireSortedDisjoint(List.of(ram(0, 0xfff), reserved(0x1000, 0x1fff)), "/proc/iomem");
            MemoryMaps.requireSortedDisjoint(List.of(), "/proc/iomem");
        }

        @Test
        void namesTheSourceAndBothRangesOfAnOverlap() {
            assertThatThrownBy(() -> MemoryMaps.requireSortedDisjoint(
                    List.of(ram(0, 0xfff), ram(0x800, 0x1fff)), "/sys/firmware/memmap"))
                    .isInstanceOf(HandoffException.class)
                    .hasMessage("/sys/firmware/memmap: ranges 0x0-0xfff and 0x800-0x1fff overlap")
                    .extracting(e -> ((HandoffException) e).kind()).isEqualTo(FailureKind.MALFORMED_PROFILE);
        }

        @Test
        void reportsRangesOutOfOrder() {
            assertThatThrownBy(() -> MemoryMaps.requireSortedDisjoint(
                    List.of(ram(0x2000, 0x2fff), ram(0, 0xfff)), "/proc/iomem"))
                    .hasMessage("/proc/iomem: ranges 0x2000-0x2fff and 0x0-0xfff are out of order");
        }
    }
}
