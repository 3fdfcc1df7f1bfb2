package io.handoff.core.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SegmentRulesTests {
    private static final long PAGE = 4096;
    private static final List<MemoryRange> RAM = List.of(
            new MemoryRange(0x1000, 0x9fbff, RangeType.RAM),
            new MemoryRange(0x9fc00, 0x9ffff, RangeType.RESERVED),
            new MemoryRange(0x100000, 0x1fffffff, RangeType.RAM),
            new MemoryRange(0x20000000, 0x3ffdffff, RangeType.RAM));
    private static final MemoryRange CRASH = new MemoryRange(0x2e000000, 0x3dffffff, RangeType.RAM);

    private static Segment segment(String role, long mem, long memsz) {
        return new Segment(role, new SegmentData.Zeros(), mem, memsz);
    }

    private static Segment bytes(String role, int bufsz, long mem, long memsz) {
        return new Segment(role, new SegmentData.Bytes(new byte[bufsz]), mem, memsz);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertFails(List<Segment> segments,
                                                                                Optional<MemoryRange> crash,
                                                                                FailureKind kind) {
        return assertThatThrownBy(() -> SegmentRules.validate(segments, RAM, crash, PAGE, 16))
                .isInstanceOf(HandoffException.class)
                .satisfies(e -> assertThat(((HandoffException) e).kind()).isEqualTo(kind));
    }

    @Test
    void sortsValidSegmentsByAddress() {
        Segment kernel = bytes("kernel", 100, 0x39e00000, 0x3f97000);
        Segment backup = segment("backup", 0x3df61000, 0x9f000);
        Segment header = bytes("elfcorehdr", 0x400, 0x3df5d000, 0x4000);
        assertThat(SegmentRules.validate(List.of(backup, kernel, header), RAM, Optional.of(CRASH), PAGE, 16))
                .containsExactly(kernel, header, backup);
    }

    @Test
    void aSegmentMayStraddleAdjacentRamRanges() {
        Segment s = segment("kernel", 0x1fffe000, 0x4000);
        assertThat(SegmentRules.validate(List.of(s), RAM, Optional.empty(), PAGE, 16)).containsExactly(s);
    }

    @Nested
    class Shape {
        @Test
        void baseMustBePageAligned() {
            assertFails(List.of(segment("setup", 0x100400, 0x1000)), Optional.empty(), FailureKind.INTERNAL)
                    .hasMessage("segment setup: base 0x100400 is not aligned to the page size 0x1000");
        }

        @Test
        void memszMustBeWholePages() {
            assertFails(List.of(segment("setup", 0x100000, 0x1800)), Optional.empty(), FailureKind.INTERNAL)
                    .hasMessage("segment setup: memsz 0x1800 is not a positive multiple of the page size 0x1000");
        }
    }

    @Test
    void atMostSixteenSegments() {
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            segments.add(segment("s" + i, 0x100000 + i * PAGE, PAGE));
        }
        assertFails(segments, Optional.empty(), FailureKind.DOES_NOT_FIT)
                .hasMessage("17 segments, kexec_load takes at most 16");
        assertThat(SegmentRules.validate(segments.subList(0, 16), RAM, Optional.empty(), PAGE, 16)).hasSize(16);
    }

    @Test
    void overlappingSegmentsAreRefused() {
        assertFails(List.of(segment("initrd", 0x3de4e000, 0x100000), segment("kernel", 0x39e00000, 0x4050000)),
                Optional.empty(), FailureKind.DOES_NOT_FIT)
                .hasMessage("segments kernel and initrd overlap at 0x3de4e000");
    }

    @Test
    void touchingSegmentsDoNotOverlap() {
        assertThat(SegmentRules.validate(List.of(segment("a", 0x100000, PAGE), segment("b", 0x101000, PAGE)), RAM,
                Optional.empty(), PAGE, 16)).hasSize(2);
    }

    @Test
    void aSegmentOutsideRamIsRefused() {
        assertFails(List.of(segment("initrd", 0x9f000, 0x1000)), Optional.empty(), FailureKind.DOES_NOT_FIT)
                .hasMessage("segment initrd at 0x9f000-0x9ffff is not inside one RAM range");
        assertFails(List.of(segment("initrd", 0x3ffdf000, 0x2000)), Optional.empty(), FailureKind.DOES_NOT_FIT)
                .hasMessage("segment initrd at 0x3ffdf000-0x3ffe0fff is not inside one RAM range");
    }

    @Test
    void aCrashSegmentOutsideTheCrashRegionIsRefused() {
        assertFails(List.of(segment("kernel", 0x2dfff000, 0x2000)), Optional.of(CRASH), FailureKind.DOES_NOT_FIT)
                .hasMessage("segment kernel at 0x2dfff000-0x2e000fff is outside the crash region "
                        + "0x2e000000-0x3dffffff");
    }
}
