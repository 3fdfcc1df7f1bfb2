package io.handoff.api.arch;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A platform's architecture step kinds and the code ranges they come from.
 *
 * @param codes the code ranges the platform reserves (the framework refuses ranges that meet its own codes or
 *     another loaded platform's)
 * @param kinds the kinds, each with a unique id and a code inside {@code codes}
 * @since 0.2
 */
public record ArchitectureSteps(List<StepCodeRange> codes, List<StepKindDeclaration> kinds) {
    /** No architecture kinds: a platform whose purgatory only runs the generic steps. */
    public static final ArchitectureSteps NONE = new ArchitectureSteps(List.of(), List.of());

    public ArchitectureSteps {
        codes = List.copyOf(codes);
        kinds = List.copyOf(kinds);
        Set<String> ids = new HashSet<>();
        Set<Integer> numbers = new HashSet<>();
        for (StepKindDeclaration k : kinds) {
            if (!ids.add(k.id()) || !numbers.add(k.code())) {
                throw new IllegalArgumentException("step kind " + k.id() + " (" + k.code() + ") is declared twice");
            }
            if (codes.stream().noneMatch(r -> r.contains(k.code()))) {
                throw new IllegalArgumentException("step kind " + k.id() + ": code " + k.code()
                        + " is outside the platform's ranges " + codes);
            }
        }
    }

    /** Return the kind spelled {@code id}, if declared. */
    public Optional<StepKindDeclaration> byId(String id) {
        return kinds.stream().filter(k -> k.id().equals(id)).findFirst();
    }

    /** Return the kind numbered {@code code}, if declared. */
    public Optional<StepKindDeclaration> byCode(int code) {
        return kinds.stream().filter(k -> k.code() == code).findFirst();
    }
}
