package io.handoff.api.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parsed resource tree of {@code /proc/iomem}.
 *
 * <p>The tree is the file's indentation: as the kernel prints it, siblings may overlap, children may reach
 * outside their parent and entries may be {@code 0-0}. Every method is linear in the number of lines.
 *
 * @param roots the top-level resources, in file order
 * @since 0.1
 */
public record Iomem(List<IomemEntry> roots) {
    /** The name of the crash-kernel reservation. */
    public static final String CRASH_KERNEL = "Crash kernel";

    public Iomem {
        roots = List.copyOf(roots);
    }

    /** Return every entry, depth first, in file order. */
    public List<IomemEntry> all() {
        List<IomemEntry> out = new ArrayList<>();
        roots.forEach(r -> collect(r, out));
        return out;
    }

    private static void collect(IomemEntry e, List<IomemEntry> out) {
        out.add(e);
        e.children().forEach(c -> collect(c, out));
    }

    /** Return every entry with exactly this name, at any depth, in address order of the file. */
    public List<IomemEntry> named(String name) {
        return all().stream().filter(e -> e.name().equals(name)).toList();
    }

    /**
     * Return every {@code Crash kernel} region (low and high), in file order, leaving out {@code 0-0} lines: a kernel
     * whose crashkernel= reservation failed can still print the line with both bounds 0.
     */
    public List<MemoryRange> crashRegions() {
        return named(CRASH_KERNEL).stream().filter(e -> e.start() != 0 || e.end() != 0)
                .map(e -> new MemoryRange(e.start(), e.end(), RangeType.RAM)).toList();
    }

    /**
     * Return whether the file was read without root privileges: more than one line, and every range {@code 0-0}
     * (the kernel hides the addresses from other readers, so nothing can be planned from it).
     */
    public boolean unprivileged() {
        List<IomemEntry> every = all();
        return every.size() > 1 && every.stream().allMatch(e -> e.start() == 0 && e.end() == 0);
    }

    /** Return the first entry with this name, if any. */
    public Optional<IomemEntry> first(String name) {
        return all().stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
