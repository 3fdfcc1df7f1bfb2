package io.handoff.api.arch;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A step kind with a fixed list of operands and a fixed worst case: most architecture kinds.
 *
 * @param id the kind's id, such as {@code disabled-wait}
 * @param code the number the runtime reads
 * @param operandNames the operands, in order
 * @param terminal whether a successful step never returns
 * @param fixedWorstCase the longest a step can take
 * @param consoleMarker the start of the console line the purgatory prints for it
 * @since 0.2
 */
public record SimpleStepKind(String id, int code, List<String> operandNames, boolean terminal, Duration fixedWorstCase,
                             String consoleMarker) implements StepKindDeclaration {
    public SimpleStepKind {
        Objects.requireNonNull(id, "id");
        operandNames = List.copyOf(operandNames);
        Objects.requireNonNull(fixedWorstCase, "fixedWorstCase");
        Objects.requireNonNull(consoleMarker, "consoleMarker");
    }

    @Override
    public Duration worstCase(List<Long> operands) {
        return fixedWorstCase;
    }
}
