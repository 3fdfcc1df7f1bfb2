package io.handoff.api.arch;

/**
 * A closed range of step codes a platform reserves for its architecture kinds.
 *
 * @param first the lowest code
 * @param last the highest code
 * @since 0.2
 */
public record StepCodeRange(int first, int last) {
    public StepCodeRange {
        if (first < 1 || last > 0xFFFF || first > last) {
            throw new IllegalArgumentException(String.format("step code range %d..%d is not inside 1..65535", first,
                    last));
        }
    }

    /** Tell whether the code lies in this range. */
    public boolean contains(int code) {
        return code >= first && code <= last;
    }

    /** Tell whether the two ranges share a code. */
    public boolean overlaps(StepCodeRange other) {
        return first <= other.last && other.first <= last;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + ".." + last;
    }
}
