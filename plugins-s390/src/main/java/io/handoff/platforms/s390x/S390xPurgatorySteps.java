package io.handoff.platforms.s390x;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.spi.PurgatoryStepContributor;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;

/**
 * The s390x purgatory program around the framework's digest check (which is also what the kernel's r2 = 0 probe
 * runs, alone): for kdump, swap the crash region with low memory and keep the old lowcore, then load the kdump PSW;
 * for a kexec reboot, load the PSW of the normal entry. kexec-tools' s390 purgatory does the same
 * ({@code post_verification_setup_arch()}, then {@code lpswe kdump_psw}).
 *
 * @since 0.1
 */
@Extension
public final class S390xPurgatorySteps implements PurgatoryStepContributor {
    @Override
    public String id() {
        return "s390x-purgatory";
    }

    @Override
    public List<String> stepNames() {
        return List.of("swap", "copy", "load-psw");
    }

    /** Return the platform plan's memory moves (kdump only) and its PSW load. */
    @Override
    public List<PurgatoryStep> steps(PlanContext context) {
        PlatformPlan plan = context.platformPlan().orElseThrow(() -> new HandoffException(FailureKind.INTERNAL,
                "s390x purgatory steps: the context has no platform plan"));
        List<PurgatoryStep> steps = new ArrayList<>(plan.memoryMoves());
        steps.add(plan.terminalStep().orElseThrow(() -> new HandoffException(FailureKind.INTERNAL,
                "s390x purgatory steps: the platform plan has no PSW load")));
        return steps;
    }
}
