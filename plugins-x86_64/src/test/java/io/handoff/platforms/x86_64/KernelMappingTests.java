package io.handoff.platforms.x86_64;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.machine.KcoreLoad;
import io.handoff.api.machine.KernelText;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.testing.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * kexec-tools' x86_64 kernel-text and page-offset rules, on the captured QEMU guest and on synthetic kcore headers.
 */
class KernelMappingTests {
    private static final ProfileMachine PROFILE = ProfileMachine.at(Fixtures.profile("qemu-pc-x86_64-1g"));

    private static java.util.Optional<KernelText> kernelText(ProfileMachine machine) {
        long kernelCode = machine.iomem().first("Kernel code").orElseThrow().start();
        return KernelMapping.kernelText(machine.kcoreLoads(), machine.kernelSymbols(), kernelCode);
    }

    @Nested
    class Profile {
        @Test
        void kernelTextIsKexecToolsOne() {
            // kexec-tools: the PT_LOAD holding _stext (0xffffffff99c00000), start aligned down to 1 MiB,
            // size to its end rounded to a page; paddr = "Kernel code" start in /proc/iomem.
            assertThat(kernelText(PROFILE))
                    .contains(new KernelText(0xffffffff99c00000L, 0x1f600000L, 0x3430000L));
        }

        @Test
        void pageOffsetIsTheKaslrDirectMapBase() {
            // The PT_LOADs of this kcore: direct map 0xffff88c1c0001000 and 0xffff88c1c0100000, vmalloc
            // 0xffffcb90c0000000, vmemmap 0xfffff5c0c0000000 and 0xfffff5c0c0004000, kernel text
            // 0xffffffff99c00000, modules 0xffffffffc0000000. The lowest, 0xffff88c1c0001000, masked to
            // 1 GiB gives 0xffff88c1c0000000: KASLR moved the direct map up by 0x41c0000000 (263 GiB)
            // from the default 0xffff888000000000.
            long pageOffset = KernelMapping.pageOffset(PROFILE.kcoreLoads());
            assertThat(pageOffset).isEqualTo(0xffff88c1c0000000L);
            assertThat(pageOffset - KernelMapping.DEFAULT_PAGE_OFFSET).isEqualTo(263L << 30);
        }

        @Test
        void pageOffsetMapsEveryDirectMapLoadOntoItsPhysicalAddress() {
            // The core header's RAM PT_LOADs get p_vaddr = page offset + p_paddr; kcore's own direct-map
            // PT_LOADs must agree with that.
            long pageOffset = KernelMapping.pageOffset(PROFILE.kcoreLoads());
            List<KcoreLoad> directMap = PROFILE.kcoreLoads().stream()
                    .filter(l -> l.paddr() != -1 && l.paddr() != 0x1f600000L).toList();
            assertThat(directMap).hasSize(2)
                    .allSatisfy(l -> assertThat(l.vaddr()).isEqualTo(pageOffset + l.paddr()));
        }

        @Test
        void kernelTextSizeAgreesWithTheGuestsVmcore() {
            // qemu-kdump-howto step 5: kexec -p in this guest wrote 5 program headers (one merged note,
            // the kernel text, 3 RAM ranges) and the kdump kernel's /proc/vmcore was 859508736 bytes.
            // /proc/vmcore is the ELF headers and the merged notes, each padded to a page, then every
            // PT_LOAD widened to whole pages; only the right kernel-text size makes the sum exact.
            KernelText text = kernelText(PROFILE).orElseThrow();
            long[][] crashRam = {{0x1000L, 0x9fbffL}, {0x100000L, 0x2dffffffL}, {0x3e000000L, 0x3ffdffffL}};
            long total = 4096 + 4096 + pages(text.paddr(), text.paddr() + text.size() - 1);
            for (long[] r : crashRam) {
                total += pages(r[0], r[1]);
            }
            assertThat(total).isEqualTo(859508736L);
        }

        private long pages(long first, long last) {
            return ((last + 4096) & -4096L) - (first & -4096L);
        }
    }

    @Nested
    class PageOffset {
        @Test
        void fallsBackWithoutLoads() {
            assertThat(KernelMapping.pageOffset(List.of()))
                    .isEqualTo(KernelMapping.DEFAULT_PAGE_OFFSET);
        }

        @Test
        void comparesUnsignedAndMasksToOneGigabyte() {
            List<KcoreLoad> loads = List.of(
                    new KcoreLoad(0xffffffff81000000L, 0x1000000L, 0x1000000L),
                    new KcoreLoad(0xffff9a3f7fe01000L, 0x1000L, 0x9f000L),
                    new KcoreLoad(0xffffb00000000000L, -1L, 0x1000L));
            assertThat(KernelMapping.pageOffset(loads))
                    .isEqualTo(0xffff9a3f40000000L);
        }
    }

    @Nested
    class Text {
        private final List<KcoreLoad> loads = List.of(
                new KcoreLoad(0xffff888000001000L, 0x1000L, 0x9f000L),
                new KcoreLoad(0xffffffff81234000L, 0x1234000L, 0x1001L),
                new KcoreLoad(0xffffffffc0000000L, -1L, 0x3f000000L));

        @Test
        void alignsStartDownToOneMegabyteAndSizeUpToAPage() {
            // start 0xffffffff81234000 -> 0xffffffff81200000; end 0xffffffff81235001: 0x35001 -> 0x36000
            assertThat(KernelMapping.kernelText(loads, Map.of("_stext", 0xffffffff81234800L), 0x1200000L))
                    .contains(new KernelText(0xffffffff81200000L, 0x1200000L, 0x36000L));
        }

        @Test
        void withoutStextUsesTheLoadInsideTheKernelMapWindow() {
            assertThat(KernelMapping.kernelText(loads, Map.of("_stext", 0L), 0x1200000L))
                    .contains(new KernelText(0xffffffff81200000L, 0x1200000L, 0x36000L));
            assertThat(KernelMapping.kernelText(loads, Map.of(), 0x1200000L)).isPresent();
        }

        @Test
        void stextOutsideEveryLoadFallsBackToTheWindow() {
            assertThat(KernelMapping.kernelText(loads, Map.of("_stext", 0xffffffff90000000L), 7))
                    .contains(new KernelText(0xffffffff81200000L, 7, 0x36000L));
        }

        @Test
        void emptyWhenNothingQualifies() {
            assertThat(KernelMapping.kernelText(loads.subList(0, 1), Map.of("_stext", 0xffffffff81234800L), 0))
                    .isEmpty();
        }
    }
}
