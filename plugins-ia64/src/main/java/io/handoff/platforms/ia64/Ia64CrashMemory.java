package io.handoff.platforms.ia64;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.IomemEntry;
import io.handoff.api.machine.KernelText;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The memory an IA-64 ELF core header describes, as kexec-tools' crashdump-ia64.c reads it.
 *
 * <p>{@code get_crash_memory_ranges} takes every {@code System RAM} and {@code Uncached RAM} line with inclusive
 * ends and no coalescing, remembers the last {@code Crash kernel} and {@code Kernel code} lines, and cuts the crash
 * region out of the range holding it. The header then has a PT_LOAD per RAM range (uncached ones are counted in its
 * size but not written) and a kernel-text PT_LOAD whose virtual address is
 * {@code mstart + 0xa000000100000000 - kernel_code_start}, {@code mstart} the start of the range holding the kernel.
 *
 * @param ranges the ranges after the crash region was cut out (RAM and UNCACHED), file order
 * @param kernelText the kernel-text mapping
 */
record Ia64CrashMemory(List<MemoryRange> ranges, KernelText kernelText) {
    /** The region-5 identity map's base: {@code PAGE_OFFSET}. */
    static final long PAGE_OFFSET = 0xe000000000000000L;
    /** Where the kernel's text is linked: {@code KERNEL_START}. */
    static final long KERNEL_START = 0xa000000100000000L;

    Ia64CrashMemory {
        ranges = List.copyOf(ranges);
    }

    /**
     * Read the crash memory of a machine.
     *
     * @param iomem the machine's /proc/iomem
     * @param crash the crash region
     * @throws HandoffException MALFORMED_PROFILE without a {@code Kernel code} line
     */
    static Ia64CrashMemory of(Iomem iomem, MemoryRange crash) {
        List<MemoryRange> list = new ArrayList<>();
        Optional<IomemEntry> code = Optional.empty();
        for (IomemEntry e : iomem.all()) {
            switch (e.name()) {
                case "System RAM" -> list.add(new MemoryRange(e.start(), e.end(), RangeType.RAM));
                case "Uncached RAM" -> list.add(new MemoryRange(e.start(), e.end(), RangeType.UNCACHED));
                case "Kernel code" -> code = Optional.of(e);
                default -> {
                }
            }
        }
        IomemEntry text = code.orElseThrow(() -> new HandoffException(FailureKind.MALFORMED_PROFILE,
                "/proc/iomem: no \"Kernel code\" line; cannot tell where the running kernel is"));
        List<MemoryRange> ranges = exclude(list, crash);
        long vaddr = 0;
        for (MemoryRange r : ranges) {
            if (r.start() == 0 && r.end() == 0) {
                continue;
            }
            if (text.start() >= r.start() && text.start() < r.end()) {
                vaddr = r.start() + KERNEL_START - text.start();
                break;
            }
        }
        return new Ia64CrashMemory(ranges, new KernelText(vaddr, text.start(), text.end() - text.start() + 1));
    }

    // exclude_crash_reserve_region: the crash region lies inside one range; cut it out (one split at most)
    private static List<MemoryRange> exclude(List<MemoryRange> in, MemoryRange crash) {
        List<MemoryRange> out = new ArrayList<>();
        MemoryRange tail = null;
        int tailAt = -1;
        for (MemoryRange r : in) {
            long cs = crash.start();
            long ce = crash.end();
            if (cs < r.end() && ce > r.start()) {
                if (cs != r.start() && ce != r.end()) {
                    out.add(new MemoryRange(r.start(), cs - 1, r.type()));
                    tail = new MemoryRange(ce + 1, r.end(), RangeType.RAM);
                    tailAt = out.size();
                } else if (cs != r.start()) {
                    out.add(new MemoryRange(r.start(), cs - 1, r.type()));
                } else if (ce != r.end()) {
                    out.add(new MemoryRange(ce + 1, r.end(), r.type()));
                }
                // a range that is the crash region and nothing else is dropped (kexec-tools would write an inverted
                // range with size 0)
            } else {
                out.add(r);
            }
        }
        if (tail != null) {
            out.add(tailAt, tail);
        }
        return out;
    }

    /** Return the RAM ranges the header has a PT_LOAD for. */
    List<MemoryRange> ram() {
        return ranges.stream().filter(r -> r.type() == RangeType.RAM).toList();
    }
}
