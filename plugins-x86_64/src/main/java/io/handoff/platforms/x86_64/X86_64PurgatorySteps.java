package io.handoff.platforms.x86_64;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.spi.PurgatoryStepContributor;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;

/**
 * The x86_64 purgatory program around the framework's digest check: serial console and banner, the kdump
 * backup copy, and the 64-bit jump into the kernel (kexec-tools' purgatory does the same, in that order).
 *
 * @since 0.1
 */
@Extension
public final class X86_64PurgatorySteps implements PurgatoryStepContributor {
    @Override
    public String id() {
        return "x86_64-purgatory";
    }

    @Override
    public List<String> stepNames() {
        return List.of("console", "print", "copy", "jump-x86_64");
    }

    /** Return the console, the banner, then the platform plan's memory moves and its jump into the kernel. */
    @Override
    public List<PurgatoryStep> steps(PlanContext context) {
        PlatformPlan plan = context.platformPlan().orElseThrow(() -> new HandoffException(FailureKind.INTERNAL,
                "x86_64 purgatory steps: the context has no platform plan"));
        List<PurgatoryStep> steps = new ArrayList<>();
        steps.add(PurgatorySteps.CONSOLE.step());
        steps.add(PurgatorySteps.CONSOLE.print(String.format("handoff: purgatory for x86_64 %s, %d segments",
                context.request().crash() ? "kdump" : "kexec", context.segments().size())));
        // for kdump, the backup copy (after the digest check: it overwrites the backup segment)
        steps.addAll(plan.memoryMoves());
        steps.add(plan.terminalStep().orElseThrow(() -> new HandoffException(FailureKind.INTERNAL,
                "x86_64 purgatory steps: the platform plan has no jump into the kernel")));
        return steps;
    }
}
