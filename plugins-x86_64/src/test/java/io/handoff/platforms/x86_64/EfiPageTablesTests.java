package io.handoff.platforms.x86_64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.EfiMemoryDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The page tables of an EFI runtime-service call (efi-facts B3), byte by byte and by walking them. */
class EfiPageTablesTests {
    static final long BASE = 0x3000_0000L;
    static final long FOUR_GIB = 4L << 30;
    static final X86_64EfiRuntimeCalls CALLS = new X86_64EfiRuntimeCalls();

    static byte[] q35() {
        return CALLS.pageTables(EfiQ35.RUNTIME_MAP, FOUR_GIB, BASE);
    }

    static long entry(byte[] tables, int table, int index) {
        return ByteBuffer.wrap(tables).order(ByteOrder.LITTLE_ENDIAN).getLong(table * 4096 + index * 8);
    }

    /** A translation done here, independently: the leaf entry that maps va, and the physical address. */
    record Leaf(long entry, long physical) {
    }

    /** Walk the tables loaded at BASE the way the CPU does (4 KiB and 2 MiB pages); null when not mapped. */
    static Leaf walk(byte[] tables, long va) {
        ByteBuffer b = ByteBuffer.wrap(tables).order(ByteOrder.LITTLE_ENDIAN);
        long table = BASE;
        for (int shift = 39; shift >= 12; shift -= 9) {
            long e = b.getLong((int) (table - BASE) + (int) ((va >>> shift) & 511) * 8);
            if ((e & 1) == 0) {
                return null;
            }
            long address = e & 0x000F_FFFF_FFFF_F000L;
            if (shift == 21 && (e & 0x80) != 0) {
                return new Leaf(e, address + (va & 0x1F_FFFF));
            }
            if (shift == 12) {
                return new Leaf(e, address + (va & 0xFFF));
            }
            table = address;
        }
        return null;
    }

    @Nested
    class Layout {
        @Test
        void q35TakesSixteenTablesAndTheSizeSaysSo() {
            // PML4, identity PDPT + 4 PDs, PDPT and PD of the runtime regions (PML4 511, PDPT 507), 8 page tables
            assertThat(q35()).hasSize(16 * 4096);
            assertThat(CALLS.pageTablesSize(EfiQ35.RUNTIME_MAP, FOUR_GIB)).isEqualTo(16 * 4096);
        }

        @Test
        void theRootComesFirstAndPointsAtTheIdentityAndRuntimeTables() {
            byte[] t = q35();
            assertThat(entry(t, 0, 0)).isEqualTo(BASE + 0x1000 | 0x3);
            assertThat(entry(t, 0, 511)).isEqualTo(BASE + 0x6000 | 0x3);
            for (int i = 1; i < 511; i++) {
                assertThat(entry(t, 0, i)).as("PML4 %d", i).isZero();
            }
        }

        @Test
        void theIdentityIsFourPageDirectoriesOf2MibPages() {
            byte[] t = q35();
            for (int gib = 0; gib < 4; gib++) {
                assertThat(entry(t, 1, gib)).isEqualTo(BASE + (2L + gib) * 0x1000 | 0x3);
                for (int i = 0; i < 512; i++) {
                    long start = ((long) gib << 30) + ((long) i << 21);
                    assertThat(entry(t, 2 + gib, i)).isEqualTo(start | 0x83);
                }
            }
            assertThat(entry(t, 1, 4)).isZero();
        }

        @Test
        void theRuntimeRegionsShareOnePdptAndOnePageDirectory() {
            byte[] t = q35();
            assertThat(entry(t, 6, 507)).isEqualTo(BASE + 0x7000 | 0x3);
            // the first runtime page table (table 8) maps region 6's single page: virt 0xfffffffefc200000 -> 0
            assertThat(entry(t, 7, (int) ((0xfffffffefc200000L >>> 21) & 511))).isEqualTo(BASE + 0x8000 | 0x3);
            assertThat(entry(t, 8, 0)).isEqualTo(0x0 | 0x3);
        }

        @Test
        void noEntryForbidsExecution() {
            ByteBuffer b = ByteBuffer.wrap(q35()).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                assertThat(b.getLong()).isNotNegative();
            }
        }
    }

    @Nested
    class Walk {
        @Test
        void everyRuntimePageMapsToItsPhysicalPage() {
            byte[] t = q35();
            for (EfiMemoryDescriptor r : EfiQ35.RUNTIME_MAP) {
                for (long i = 0; i < r.pages(); i++) {
                    Leaf leaf = walk(t, r.virtualAddress() + i * 4096 + 0x7F8);
                    assertThat(leaf).as("region %s page %d", r.index(), i).isNotNull();
                    assertThat(leaf.physical()).isEqualTo(r.physicalAddress() + i * 4096 + 0x7F8);
                }
            }
        }

        @Test
        void identityAddressesMapToThemselves() {
            byte[] t = q35();
            Random random = new Random(15);
            List<Long> samples = new ArrayList<>(List.of(0L, 0x1000L, 0x1F_FFFFL, 0x7f5ebb98L, FOUR_GIB - 1));
            for (int i = 0; i < 1000; i++) {
                samples.add(random.nextLong(FOUR_GIB));
            }
            for (long a : samples) {
                assertThat(walk(t, a)).as("%#x", a).isNotNull().extracting(Leaf::physical).isEqualTo(a);
            }
            assertThat(walk(t, FOUR_GIB)).isNull();
        }

        @Test
        void onlyMmioIsUncached() {
            byte[] t = q35();
            for (EfiMemoryDescriptor r : EfiQ35.RUNTIME_MAP) {
                long flags = walk(t, r.virtualAddress()).entry() & 0xFFF;
                assertThat(flags).as("region %s, type %d", r.index(), r.type())
                        .isEqualTo(r.type() == 11 ? 0x1B : 0x3);
            }
            assertThat(walk(t, 0xffc00000L).entry() & 0x18).as("the identity map of the flash").isZero();
        }

        @Test
        void aRuntimePageInsideTheIdentityRangeSplitsIts2MibPage() {
            EfiMemoryDescriptor mmio = new EfiMemoryDescriptor("0", 11, 0xfed00000L, 0xfed00000L, 1, 1);
            byte[] t = CALLS.pageTables(List.of(mmio), FOUR_GIB, BASE);
            assertThat(t).hasSize(7 * 4096);
            assertThat(walk(t, 0xfed00000L).entry()).isEqualTo(0xfed00000L | 0x1B);
            assertThat(walk(t, 0xfed01000L).entry()).isEqualTo(0xfed01000L | 0x3);
            // the rest of the split 2 MiB page (0xfec00000-0xfedfffff) stays one to one, 4 KiB at a time
            assertThat(walk(t, 0xfecff000L).entry()).isEqualTo(0xfecff000L | 0x3);
            assertThat(walk(t, 0xfea00000L).entry()).isEqualTo(0xfea00000L | 0x83);
            assertThat(walk(t, 0xfee00000L).entry()).isEqualTo(0xfee00000L | 0x83);
            assertThat(walk(t, 0xfee00000L).physical()).isEqualTo(0xfee00000L);
        }
    }

    @Nested
    class Refusals {
        void refused(EfiMemoryDescriptor bad, String reason) {
            List<EfiMemoryDescriptor> map = new ArrayList<>(EfiQ35.RUNTIME_MAP);
            map.add(bad);
            assertThatThrownBy(() -> CALLS.pageTables(map, FOUR_GIB, BASE)).isInstanceOf(HandoffException.class)
                    .satisfies(e -> assertThat(((HandoffException) e).kind()).isEqualTo(FailureKind.PLATFORM))
                    .hasMessageContaining("EFI runtime region 9").hasMessageEndingWith(reason)
                    .hasMessageNotContaining("\n");
            assertThatThrownBy(() -> CALLS.pageTablesSize(map, FOUR_GIB)).isInstanceOf(HandoffException.class);
        }

        @Test
        void aNonCanonicalVirtualAddress() {
            refused(new EfiMemoryDescriptor("9", 5, 0x1000, 0x0000_9000_0000_0000L, 1, 0), "not a canonical 48-bit "
                    + "virtual range");
        }

        @Test
        void aRangeThatRunsOutOfTheLowerHalf() {
            refused(new EfiMemoryDescriptor("9", 5, 0x1000, 0x0000_7FFF_FFFF_F000L, 2, 0), "not a canonical 48-bit "
                    + "virtual range");
        }

        @Test
        void anUnalignedVirtualAddress() {
            refused(new EfiMemoryDescriptor("9", 5, 0x1000, 0xfffffffef0000800L, 1, 0), "not page aligned");
        }

        @Test
        void anOverlap() {
            refused(new EfiMemoryDescriptor("9", 6, 0x1000, 0xfffffffeff1ed000L, 1, 0),
                    "its virtual range overlaps region 2's");
        }

        @Test
        void anIdentityLimitThatIsNoWholeGib() {
            assertThatThrownBy(() -> CALLS.pageTables(EfiQ35.RUNTIME_MAP, FOUR_GIB + 4096, BASE))
                    .isInstanceOf(HandoffException.class).hasMessageContaining("multiple of 1 GiB");
        }
    }
}
