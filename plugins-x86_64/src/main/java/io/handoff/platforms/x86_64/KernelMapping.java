package io.handoff.platforms.x86_64;

import io.handoff.api.machine.KcoreLoad;
import io.handoff.api.machine.KernelText;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the running x86_64 kernel maps memory, read from {@code /proc/kcore}'s PT_LOADs as kexec-tools'
 * {@code get_kernel_vaddr_and_size} reads it (crashdump-x86.c).
 *
 * @since 0.1
 */
public final class KernelMapping {
    /** The direct map's base without KASLR (since Linux 4.20). */
    public static final long DEFAULT_PAGE_OFFSET = 0xFFFF_8880_0000_0000L;
    /** {@code __START_KERNEL_map}: where the kernel image is mapped. */
    public static final long START_KERNEL_MAP = 0xFFFF_FFFF_8000_0000L;
    /** The size of the kernel text mapping kexec-tools falls back to. */
    public static final long KERNEL_TEXT_SIZE = 512L << 20;

    private static final long PUD_MASK = ~((1L << 30) - 1);
    private static final long VADDR_ALIGN = 0x100000;
    private static final long PAGE = 4096;

    private KernelMapping() {
    }

    /** Return the direct map's base: the lowest PT_LOAD address rounded down to 1 GiB (KASLR moves it). */
    public static long pageOffset(List<KcoreLoad> loads) {
        long lowest = 0;
        for (KcoreLoad load : loads) {
            long vaddr = load.vaddr() & PUD_MASK;
            if (lowest == 0 || Long.compareUnsigned(lowest, vaddr) > 0) {
                lowest = vaddr;
            }
        }
        return lowest != 0 ? lowest : DEFAULT_PAGE_OFFSET;
    }

    /**
     * Return the kernel text mapping: the PT_LOAD holding {@code _stext} (else the one inside the 512 MiB kernel
     * map), its start rounded down to 1 MiB and its size up to a page.
     *
     * @param loads the PT_LOADs of {@code /proc/kcore}
     * @param symbols {@code /proc/kallsyms}
     * @param physicalStart the start of {@code Kernel code} in {@code /proc/iomem}
     * @return the mapping, or empty when no PT_LOAD qualifies
     */
    public static Optional<KernelText> kernelText(List<KcoreLoad> loads, Map<String, Long> symbols,
                                                  long physicalStart) {
        Long stext = symbols.get("_stext");
        if (stext != null && stext != 0) {
            for (KcoreLoad load : loads) {
                if (load.containsVirtual(stext)) {
                    return Optional.of(text(load, physicalStart));
                }
            }
        }
        for (KcoreLoad load : loads) {
            long end = load.vaddr() + load.memsz();
            if (Long.compareUnsigned(load.vaddr(), START_KERNEL_MAP) >= 0
                    && Long.compareUnsigned(end, START_KERNEL_MAP + KERNEL_TEXT_SIZE) <= 0) {
                return Optional.of(text(load, physicalStart));
            }
        }
        return Optional.empty();
    }

    private static KernelText text(KcoreLoad load, long physicalStart) {
        long start = load.vaddr() & -VADDR_ALIGN;
        long size = CrashMemory.align(load.vaddr() + load.memsz() - start, PAGE);
        return new KernelText(start, physicalStart, size);
    }
}
