package io.handoff.core.system;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.IomemEntry;
import io.handoff.api.machine.KcoreLoad;
import io.handoff.api.machine.KernelText;
import io.handoff.api.machine.Machine;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * kexec-tools' x86_64 derivations of the running kernel's layout from {@code /proc/kcore},
 * {@code /proc/kallsyms} and {@code /proc/iomem}: the direct-map base and the kernel-text mapping that
 * the ELF core header describes (kexec-tools {@code get_kernel_vaddr_and_size} and {@code get_kernel_paddr}).
 */
public final class KernelLayouts {
    /** Default x86_64 direct-map base since Linux 4.20 (before KASLR moves it). */
    public static final long X86_64_PAGE_OFFSET = 0xffff888000000000L;
    /** x86_64 {@code __START_KERNEL_map}, where the kernel image is mapped. */
    public static final long X86_64_START_KERNEL_MAP = 0xffffffff80000000L;
    /** Size of the x86_64 kernel-image mapping window searched when {@code _stext} is unknown. */
    public static final long X86_64_KERNEL_TEXT_SIZE = 512L << 20;
    /** Mask that rounds a virtual address down to 1 GiB (a PUD), as kexec-tools' {@code pud_mask}. */
    public static final long PUD_MASK = ~((1L << 30) - 1);
    /** Alignment of the kernel-text virtual start (1 MiB). */
    public static final long KERNEL_VADDR_ALIGN = 1L << 20;
    /** x86_64 page size, to which the kernel-text size is rounded up. */
    public static final long PAGE_SIZE = 4096;
    /** The iomem resource that gives the kernel's physical start. */
    public static final String KERNEL_CODE = "Kernel code";

    private KernelLayouts() {
    }

    /**
     * Return the direct-map base (page offset): the lowest PT_LOAD virtual address rounded down with
     * {@code pudMask}, or {@code fallback} when there is none.
     *
     * <p>Like kexec-tools, every PT_LOAD is considered, not only the direct map: in an x86_64 kcore the
     * direct map (even moved by KASLR) lies below vmalloc, vmemmap, the kernel text and the modules, so
     * the lowest PT_LOAD is a direct-map one. Comparisons are unsigned (kernel addresses have the top bit
     * set). A masked address of 0 means "none" to kexec-tools, and does here too.
     *
     * @param loads the kcore PT_LOADs
     * @param pudMask the rounding mask, normally {@link #PUD_MASK}
     * @param fallback the value without any PT_LOAD, normally {@link #X86_64_PAGE_OFFSET}
     * @return the page offset
     */
    public static long pageOffset(List<KcoreLoad> loads, long pudMask, long fallback) {
        long lowest = 0;
        for (KcoreLoad load : loads) {
            long vaddr = load.vaddr() & pudMask;
            if (lowest == 0 || Long.compareUnsigned(lowest, vaddr) > 0) {
                lowest = vaddr;
            }
        }
        return lowest != 0 ? lowest : fallback;
    }

    /** Return the page offset of a machine, with the x86_64 mask and default. */
    public static long pageOffset(Machine machine) {
        return pageOffset(machine.kcoreLoads(), PUD_MASK, X86_64_PAGE_OFFSET);
    }

    /**
     * Return the kernel-text mapping: the PT_LOAD that contains {@code _stext}, its start aligned down to
     * 1 MiB and its size (from that start to the PT_LOAD's end) rounded up to a page.
     *
     * <p>When {@code _stext} is unknown (absent or 0, as in a kallsyms read without privileges), the first
     * PT_LOAD wholly inside {@code [__START_KERNEL_map, +512 MiB)} is taken instead, as kexec-tools does.
     *
     * @param loads the kcore PT_LOADs
     * @param symbols kallsyms, name to address
     * @param kernelCodePhys the physical start of the kernel ({@code Kernel code} in /proc/iomem)
     * @return the mapping, or empty when no PT_LOAD qualifies
     */
    public static Optional<KernelText> kernelText(List<KcoreLoad> loads, Map<String, Long> symbols,
                                                  long kernelCodePhys) {
        long stext = symbols.getOrDefault("_stext", 0L);
        if (stext != 0) {
            for (KcoreLoad load : loads) {
                long start = load.vaddr();
                long end = start + load.memsz();
                if (Long.compareUnsigned(start, stext) <= 0 && Long.compareUnsigned(end, stext) > 0) {
                    return Optional.of(text(start, end, kernelCodePhys));
                }
            }
        }
        long windowEnd = X86_64_START_KERNEL_MAP + X86_64_KERNEL_TEXT_SIZE;
        for (KcoreLoad load : loads) {
            long start = load.vaddr();
            long end = start + load.memsz();
            if (Long.compareUnsigned(start, X86_64_START_KERNEL_MAP) >= 0
                    && Long.compareUnsigned(end, windowEnd) <= 0) {
                return Optional.of(text(start, end, kernelCodePhys));
            }
        }
        return Optional.empty();
    }

    /**
     * Return the kernel-text mapping of a machine, its physical start from {@code Kernel code} in /proc/iomem.
     *
     * @throws HandoffException {@code MALFORMED_PROFILE} when /proc/iomem has no {@code Kernel code}
     */
    public static Optional<KernelText> kernelText(Machine machine) {
        long paddr = kernelCodePhys(machine);
        Map<String, Long> symbols = machine.view().exists(MachinePaths.KALLSYMS) ? machine.kernelSymbols() : Map.of();
        return kernelText(machine.kcoreLoads(), symbols, paddr);
    }

    /**
     * Return the start of the first {@code Kernel code} resource in /proc/iomem.
     *
     * @throws HandoffException {@code MALFORMED_PROFILE} when there is none
     */
    public static long kernelCodePhys(Machine machine) {
        return machine.iomem().first(KERNEL_CODE).map(IomemEntry::start).orElseThrow(() ->
                new HandoffException(FailureKind.MALFORMED_PROFILE, MachinePaths.IOMEM
                        + ": no \"" + KERNEL_CODE + "\" resource, cannot find the kernel's physical start"));
    }

    private static KernelText text(long start, long end, long paddr) {
        long vaddr = start & -KERNEL_VADDR_ALIGN;
        long size = end - vaddr;
        size = (size + PAGE_SIZE - 1) & -PAGE_SIZE;
        return new KernelText(vaddr, paddr, size);
    }
}
