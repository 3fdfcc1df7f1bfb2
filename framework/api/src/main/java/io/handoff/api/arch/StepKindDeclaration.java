package io.handoff.api.arch;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One architecture step kind a platform declares: its id, its code, its operands and how it ends.
 *
 * <p>The plugin's purgatory sources implement the kind ({@code hal_arch_step}); the framework encodes it,
 * decodes it for {@code plan.txt}, lists it in {@code handoff platforms} and attributes it in traces from this
 * declaration alone. {@link SimpleStepKind} covers kinds with a fixed list of operands.
 *
 * @since 0.2
 */
public interface StepKindDeclaration {
    /** Return the kind as {@code PurgatoryStep.kind()} spells it, such as {@code load-psw}. */
    String id();

    /** Return the number the runtime reads: inside the platform's {@link ArchitectureSteps#codes()}. */
    int code();

    /** Return the names of the fixed u64 operands, in order; for a variable list, the names of its first ones. */
    List<String> operandNames();

    /** Tell whether the operand list has a variable length (then {@link #checkOperands} checks its shape). */
    default boolean variableOperands() {
        return false;
    }

    /** Tell whether a step of this kind never returns when it succeeds (it ends the main program). */
    boolean terminal();

    /**
     * Return what is wrong with these operands, if anything: a step the runtime would misread is a bug of whoever
     * built it. The default checks the count of a fixed list.
     */
    default Optional<String> checkOperands(List<Long> operands) {
        if (!variableOperands() && operands.size() != operandNames().size()) {
            return Optional.of(String.format("takes %d operands, got %d", operandNames().size(), operands.size()));
        }
        return Optional.empty();
    }

    /** Return the longest a step with these operands can take, counted in the purgatory budget. */
    default Duration worstCase(List<Long> operands) {
        return Duration.ZERO;
    }

    /** Return the operands as a person reads them, for {@code plan.txt}; the default names each one. */
    default String summary(List<Long> operands) {
        List<String> names = operandNames();
        if (operands.size() != names.size()) {
            return operands.stream().map(v -> String.format("%#x", v)).collect(Collectors.joining(" "));
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            b.append(i == 0 ? "" : " ").append(names.get(i)).append('=').append(String.format("%#x", operands.get(i)));
        }
        return b.toString();
    }

    /**
     * Return the start of the console line the purgatory prints when it runs a step of this kind (such as
     * {@code "purgatory: load psw "}), by which traces attribute a line to the step.
     */
    String consoleMarker();
}
