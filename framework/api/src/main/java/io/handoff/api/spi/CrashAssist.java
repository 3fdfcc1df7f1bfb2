package io.handoff.api.spi;

import io.handoff.api.machine.Machine;
import io.handoff.api.plan.AssistPlan;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PurgatoryStep;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Another way to reach the capture kernel at a crash than purgatory's jump, chosen with {@code --assist ID}
 * ({@code handoff.assist}): it places what it needs, adds purgatory steps before the platform's jump (which stays as
 * its fallback), adds steps to the fallback program, and installs and removes what it needs outside memory at
 * {@code load --crash} and {@code unload --crash}.
 *
 * <p>A firmware plugin's assists are offered to every platform; {@link #unavailable} says which can use one, and why
 * not. The plan-time work is pure: everything {@link #arm} needs travels in the {@link AssistPlan}.
 *
 * @since 0.3
 */
public interface CrashAssist extends Contribution {
    /** Return one line for {@code handoff platforms}: what the assist does. */
    String summary();

    /**
     * Return why the platform cannot use this assist on the machine, or empty when it can.
     *
     * @param platform the platform
     * @param offered every contribution offered to the platform (the architecture's mechanics are among them)
     * @param machine the machine, or empty to ask whether the platform could use it on some machine
     */
    Optional<String> unavailable(Platform platform, List<Contribution> offered, Optional<Machine> machine);

    /**
     * Return platform options the plan needs with this assist (the user may not set them otherwise), such as a memory
     * map passed on the command line for a capture kernel the firmware boots.
     *
     * @param offered every contribution offered to the platform
     */
    default Map<String, String> platformOptions(List<Contribution> offered) {
        return Map.of();
    }

    /** Return the keys of the options {@link #arm} reads ({@code --assist-option KEY=VALUE}); others are refused. */
    default Set<String> armOptions() {
        return Set.of();
    }

    /**
     * Place what the assist needs once the platform has planned, and return what the rest of the plan and
     * {@link #arm} need to know.
     *
     * @param context the plan, with the platform's segments and plan
     */
    AssistPlan place(PlanContext context);

    /**
     * Return the steps that run after every contributor's steps and before the platform's jump.
     *
     * @param context the plan
     * @param plan what {@link #place} returned
     */
    List<PurgatoryStep> steps(PlanContext context, AssistPlan plan);

    /**
     * Return the steps that run first when a required step fails, before the platform's own fallback.
     *
     * @param context the plan
     * @param plan what {@link #place} returned
     */
    List<PurgatoryStep> fallback(PlanContext context, AssistPlan plan);

    /**
     * Install what the assist needs outside memory, staged: {@link Arming#commit} once the kernel is loaded,
     * {@link Arming#rollback} when the load fails, so a failed load leaves the previous arming as it was.
     *
     * @param plan what {@link #place} returned
     * @param target the machine's root and what was asked
     * @return the staged arming
     */
    Arming arm(AssistPlan plan, ArmTarget target);

    /**
     * Remove everything {@link #arm} installed ({@code unload --crash}); nothing to remove is not an error.
     *
     * @param target the machine's root and what was asked
     * @return one line per thing removed
     */
    List<String> disarm(ArmTarget target);

    /**
     * Return what {@code handoff status} shows of this assist on the machine: armed or not, and what its last run
     * left behind.
     *
     * @param target the machine's root
     */
    List<String> status(ArmTarget target);

    /**
     * An arming in progress.
     */
    interface Arming {
        /** Return one line per thing installed, for the user. */
        List<String> describe();

        /** Make the arming the current one (after the kernel is loaded). */
        void commit();

        /** Remove what this arming staged and leave any previous arming as it was. */
        void rollback();
    }

    /**
     * Where arming happens.
     *
     * @param root the machine's root directory ({@code /} on the host; a test's directory otherwise)
     * @param options the assist's own options ({@code --assist-option KEY=VALUE}, such as {@code esp=/boot/efi})
     * @param request what was planned (its kernel and initrd files), empty when disarming or asking for status
     */
    record ArmTarget(java.nio.file.Path root, Map<String, String> options,
                     Optional<io.handoff.api.plan.PlanRequest> request) {
        public ArmTarget {
            java.util.Objects.requireNonNull(root, "root");
            options = Map.copyOf(options);
            java.util.Objects.requireNonNull(request, "request");
        }
    }
}
