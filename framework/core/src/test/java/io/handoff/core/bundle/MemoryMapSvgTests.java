package io.handoff.core.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.machine.IomemEntry;
import io.handoff.core.bundle.MemoryMapSvg.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MemoryMapSvgTests {
    static IomemEntry entry(long start, long end, String name, int line) {
        return new IomemEntry(start, end, name, 0, line, List.of());
    }

    // n top-level entries, 1 MiB each, cycling through System RAM, Reserved and a PCI window
    static List<IomemEntry> alternating(int n, int kinds) {
        String[] names = {"System RAM", "Reserved", "PCI Bus 0000:00"};
        List<IomemEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(entry((long) i << 20, ((long) i << 20) + 0xfffff, names[i % kinds], i + 1));
        }
        return out;
    }

    @Nested
    class FewRanges {
        @Test
        void oneBlockPerTopLevelEntryWithItsNameAndSpan() {
            List<Block> blocks = MemoryMapSvg.blocks(alternating(MemoryMapSvg.MAX_BLOCKS, 3));
            assertThat(blocks).hasSize(MemoryMapSvg.MAX_BLOCKS).allMatch(b -> b.count() == 1);
            assertThat(blocks.get(1).title()).isEqualTo("Reserved 0x100000-0x1fffff");
            assertThat(blocks.get(0).name()).isEqualTo("System RAM");
        }
    }

    @Nested
    class ManyRanges {
        @Test
        void neighboursOfOneKindMergeFirst() {
            // 1000 RAM entries, then 1000 reserved: two blocks
            List<IomemEntry> roots = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                roots.add(entry((long) i << 12, ((long) i << 12) + 0xfff, i < 1000 ? "System RAM" : "reserved", i + 1));
            }
            List<Block> blocks = MemoryMapSvg.blocks(roots);
            assertThat(blocks).hasSize(2);
            assertThat(blocks.get(0).title()).isEqualTo("1000 ranges aggregated (System RAM) 0x0-0x3e7fff");
            assertThat(blocks.get(1).start()).isEqualTo(0x3e8000L);
            assertThat(blocks.get(1).end()).isEqualTo(0x7cffffL);
        }

        @ParameterizedTest(name = "{0} entries of {1} kinds")
        @CsvSource({"301, 2", "1000, 3", "100000, 2", "100000, 3"})
        void stayWithinTheLimitAndAccountForEveryEntry(int n, int kinds) {
            List<Block> blocks = MemoryMapSvg.blocks(alternating(n, kinds));
            assertThat(blocks).hasSizeLessThanOrEqualTo(MemoryMapSvg.MAX_BLOCKS);
            assertThat(blocks.stream().mapToInt(Block::count).sum()).isEqualTo(n);
            assertThat(blocks.get(0).start()).isZero();
            assertThat(blocks.get(blocks.size() - 1).end()).isEqualTo(((long) n << 20) - 1);
            // blocks are consecutive runs: each starts where the one before ended
            IntStream.range(1, blocks.size()).forEach(i ->
                    assertThat(blocks.get(i).start()).isEqualTo(blocks.get(i - 1).end() + 1));
        }

        @Test
        void mixedRunsAreGreyAndNamedMixed() {
            List<Block> blocks = MemoryMapSvg.blocks(alternating(1000, 2));
            assertThat(blocks).allSatisfy(b -> {
                assertThat(b.name()).isEqualTo("mixed");
                assertThat(b.fill()).isEqualTo("#bdbdbd");
            });
            assertThat(blocks.get(0).title()).startsWith("4 ranges aggregated (mixed) 0x0-");
        }
    }

    @Test
    void aBlockSpanningTheWholeAddressSpaceHasAPositiveSize() {
        Block all = new Block(0, Long.MAX_VALUE, "System RAM", "#a6d96a", 1);
        assertThat(all.size()).isEqualTo(Long.MAX_VALUE);
        assertThat(new Block(0x1000, 0x1fff, "reserved", "#d9d9d9", 1).size()).isEqualTo(0x1000);
    }
}
