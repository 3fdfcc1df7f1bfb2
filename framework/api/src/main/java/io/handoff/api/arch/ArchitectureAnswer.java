package io.handoff.api.arch;

import java.util.List;
import java.util.Optional;

/**
 * The machine's answer to an {@link ArchitectureCall}.
 *
 * @param result the value the HAL function returns (such as a diag 308 return code)
 * @param stop set when the CPU left purgatory: the runtime unwinds and the run ends with this handoff
 * @param events what the machine saw, one line each, for the trace
 * @since 0.2
 */
public record ArchitectureAnswer(long result, Optional<ArchitectureStop> stop, List<String> events) {
    public ArchitectureAnswer {
        events = List.copyOf(events);
    }

    /** Return an answer that goes on: the HAL function returns {@code result}. */
    public static ArchitectureAnswer value(long result, String... events) {
        return new ArchitectureAnswer(result, Optional.empty(), List.of(events));
    }

    /** Return an answer that ends the run with this handoff. */
    public static ArchitectureAnswer stop(ArchitectureStop stop, String... events) {
        return new ArchitectureAnswer(0, Optional.of(stop), List.of(events));
    }
}
