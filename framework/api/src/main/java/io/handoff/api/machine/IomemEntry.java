package io.handoff.api.machine;

import java.util.List;
import java.util.Objects;

/**
 * One line of {@code /proc/iomem}: an inclusive address span, its name and the lines nested under it.
 *
 * @param start first byte
 * @param end last byte (inclusive)
 * @param name the resource name, such as {@code System RAM} or {@code Crash kernel}
 * @param depth nesting depth (0 for top-level lines, two spaces of indent per level)
 * @param line 1-based line number in the file, for error messages
 * @param children the resources nested directly under this one
 * @since 0.1
 */
public record IomemEntry(long start, long end, String name, int depth, int line, List<IomemEntry> children) {
    public IomemEntry {
        Objects.requireNonNull(name, "name");
        children = List.copyOf(children);
    }

    /** Return the size in bytes. */
    public long size() {
        return end - start + 1;
    }

    /** Return the kexec-tools range type of this resource name. */
    public RangeType type() {
        return RangeTypes.ofIomemName(name);
    }

    /** Return this span as a typed memory range. */
    public MemoryRange range() {
        return new MemoryRange(start, end, type());
    }
}
