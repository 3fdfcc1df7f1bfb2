package io.handoff.api.archfixture;

import io.handoff.core.plan.PlanSession;

/** A deliberate violation for ArchitectureTests: an api-package type that uses core. */
public final class ApiTypeReachingIntoCore {
    /** Return a size formatted by core, which api must never call. */
    public String format(long bytes) {
        return PlanSession.human(bytes);
    }
}
