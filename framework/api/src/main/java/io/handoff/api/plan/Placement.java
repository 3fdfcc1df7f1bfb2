package io.handoff.api.plan;

/**
 * Where a segment may go: alignment, inclusive address bounds and search direction.
 *
 * <p>{@code align} is raised to the page size by the planner, as kexec-tools' {@code locate_hole} does.
 *
 * @param align required alignment of the base in bytes (a power of two)
 * @param min lowest acceptable base
 * @param max highest acceptable last byte (inclusive); {@code Long.MAX_VALUE} for no limit
 * @param direction bottom-up or top-down
 * @since 0.1
 */
public record Placement(long align, long min, long max, Direction direction) {
    public Placement {
        if (align <= 0 || Long.bitCount(align) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + align);
        }
        if (min < 0 || max < min) {
            throw new IllegalArgumentException(String.format("bad bounds %#x-%#x", min, max));
        }
    }

    /** Return a placement anywhere with the given alignment and direction. */
    public static Placement anywhere(long align, Direction direction) {
        return new Placement(align, 0, Long.MAX_VALUE, direction);
    }
}
