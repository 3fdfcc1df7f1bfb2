package io.handoff.core.purgatory;

import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.arch.StepKindDeclaration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The step vocabulary of one platform's purgatory: the framework's {@link GenericStep}s and the platform's
 * declared architecture kinds, by id and by code.
 *
 * @param architecture the platform's declared kinds
 * @since 0.2
 */
public record StepKinds(ArchitectureSteps architecture) {
    /** The vocabulary of a purgatory without architecture kinds. */
    public static final StepKinds GENERIC = new StepKinds(ArchitectureSteps.NONE);

    /**
     * One kind, generic or declared.
     *
     * @param generic the framework's kind, when it is one
     * @param declared the platform's declaration, when it is one
     */
    public record Kind(Optional<GenericStep> generic, Optional<StepKindDeclaration> declared) {
        /** Return the kind's id. */
        public String id() {
            return generic.map(GenericStep::id).orElseGet(() -> declared.orElseThrow().id());
        }

        /** Return the kind's code. */
        public int code() {
            return generic.map(GenericStep::code).orElseGet(() -> declared.orElseThrow().code());
        }

        /** Tell whether a step of this kind never returns when it succeeds. */
        public boolean terminal() {
            return generic.map(GenericStep::terminal).orElseGet(() -> declared.orElseThrow().terminal());
        }
    }

    /** Return the kind spelled {@code id}, if known. */
    public Optional<Kind> byId(String id) {
        Optional<GenericStep> g = GenericStep.ofId(id);
        if (g.isPresent()) {
            return Optional.of(new Kind(g, Optional.empty()));
        }
        return architecture.byId(id).map(d -> new Kind(Optional.empty(), Optional.of(d)));
    }

    /** Return the kind numbered {@code code}, if known. */
    public Optional<Kind> byCode(int code) {
        Optional<GenericStep> g = GenericStep.ofCode(code);
        if (g.isPresent()) {
            return Optional.of(new Kind(g, Optional.empty()));
        }
        return architecture.byCode(code).map(d -> new Kind(Optional.empty(), Optional.of(d)));
    }

    /** Return every kind's id, generic ones first. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>(Arrays.stream(GenericStep.values()).map(GenericStep::id).toList());
        architecture.kinds().forEach(k -> ids.add(k.id()));
        return ids;
    }
}
