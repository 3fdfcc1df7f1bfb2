package io.handoff.core.plan;

import io.handoff.api.spi.Contribution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The contributions a plan may ask for by type ({@link io.handoff.api.plan.PlanContext#contributions}): the
 * platform's plugin's own and the shared ones that apply to it, in a stable order.
 *
 * @param all every contribution offered to the platform
 * @since 0.2
 */
public record Contributions(List<Contribution> all) {
    /** None: a plan that asks for any type gets an empty list. */
    public static final Contributions NONE = new Contributions(List.of());

    public Contributions {
        all = List.copyOf(all);
    }

    /** Return contributions of the given lists, in their order. */
    @SafeVarargs
    public static Contributions of(List<? extends Contribution>... lists) {
        List<Contribution> all = new ArrayList<>();
        Arrays.stream(lists).forEach(all::addAll);
        return new Contributions(all);
    }

    /** Return the contributions of one type, in their order. */
    public <T> List<T> of(Class<T> type) {
        return all.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
