package io.handoff.platforms.x86_64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MemmapBuilderTests {
    static MemoryRange r(long start, long end, RangeType type) {
        return new MemoryRange(start, end, type);
    }

    @Nested
    class Adding {
        @Test
        void keepsEntriesSortedWhateverTheOrderOfAdding() {
            MemmapBuilder map = new MemmapBuilder();
            map.add(0x30000, 0x1000, RangeType.RAM);
            map.add(0x10000, 0x1000, RangeType.ACPI);
            map.add(0x20000, 0x1000, RangeType.RESERVED);

            assertThat(map.entries()).containsExactly(r(0x10000, 0x10FFF, RangeType.ACPI),
                    r(0x20000, 0x20FFF, RangeType.RESERVED), r(0x30000, 0x30FFF, RangeType.RAM));
        }

        @Test
        void shrinksUnalignedRamToWholeKibibytes() {
            MemmapBuilder map = new MemmapBuilder();

            assertThat(map.add(0x1234, 0x10000, RangeType.RAM)).isTrue();
            assertThat(map.entries()).containsExactly(r(0x1400, 0x10FFF, RangeType.RAM));
        }

        @Test
        void keepsUnalignedFirmwareRangesAsTheyAre() {
            MemmapBuilder map = new MemmapBuilder();

            assertThat(map.add(0x9FC00, 0x123, RangeType.ACPI)).isTrue();
            assertThat(map.entries()).containsExactly(r(0x9FC00, 0x9FD22, RangeType.ACPI));
        }

        @Test
        void refusesRamThatShrinksToNothing() {
            MemmapBuilder map = new MemmapBuilder();

            assertThat(map.add(0x1100, 0x200, RangeType.RAM)).isFalse();
            assertThat(map.entries()).isEmpty();
        }

        @Test
        void refusesOverlapsAndLeavesTheMapAlone() {
            MemmapBuilder map = new MemmapBuilder();
            map.add(0x10000, 0x10000, RangeType.RAM);

            assertThat(map.add(0x1F000, 0x2000, RangeType.RESERVED)).isFalse();
            assertThat(map.entries()).containsExactly(r(0x10000, 0x1FFFF, RangeType.RAM));
        }

        @Test
        void holdsAtMost1024Entries() {
            MemmapBuilder map = new MemmapBuilder();
            for (int i = 0; i < MemmapBuilder.MAX_ENTRIES; i++) {
                assertThat(map.add(i * 0x2000L, 0x1000, RangeType.RAM)).isTrue();
            }

            assertThat(map.add(0x10000000L, 0x1000, RangeType.RAM)).isFalse();
            assertThat(map.entries()).hasSize(1024);
        }
    }

    @Nested
    class Deleting {
        MemmapBuilder map() {
            MemmapBuilder map = new MemmapBuilder();
            map.add(0x100000, 0x100000, RangeType.RAM);
            return map;
        }

        @Test
        void splitsAnEntryAroundTheMiddle() {
            MemmapBuilder map = map();
            map.delete(0x140000, 0x400, "elfcorehdr");

            assertThat(map.entries()).containsExactly(r(0x100000, 0x13FFFF, RangeType.RAM),
                    r(0x140400, 0x1FFFFF, RangeType.RAM));
        }

        @Test
        void trimsEitherEnd() {
            MemmapBuilder map = map();
            map.delete(0x100000, 0x1000, "a");
            map.delete(0x1FF000, 0x1000, "b");

            assertThat(map.entries()).containsExactly(r(0x101000, 0x1FEFFF, RangeType.RAM));
        }

        @Test
        void removesAnExactMatch() {
            MemmapBuilder map = map();
            map.delete(0x100000, 0x100000, "all");

            assertThat(map.entries()).isEmpty();
        }

        @Test
        void refusesUnalignedSpans() {
            assertThatThrownBy(() -> map().delete(0x100200, 0x400, "backup"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.INTERNAL))
                    .hasMessage("backup segment 0x100200+0x400 is not 1 KiB aligned; the capture memory map cannot "
                            + "exclude it");
        }

        @Test
        void refusesSpansOutsideEveryEntry() {
            assertThatThrownBy(() -> map().delete(0x1FFC00, 0x800, "backup"))
                    .isInstanceOf(HandoffException.class)
                    .hasMessageStartingWith("backup segment 0x1ffc00-0x2003ff lies in no single capture memory map");
        }
    }
}
