package io.handoff.platforms.x86_64;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.Segment;
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

    @Override
    public List<PurgatoryStep> steps(PlanContext context) {
        boolean crash = context.request().crash();
        List<PurgatoryStep> steps = new ArrayList<>();
        steps.add(PurgatorySteps.console());
        steps.add(PurgatorySteps.print(String.format("handoff: purgatory for x86_64 %s, %d segments",
                crash ? "kdump" : "kexec", context.segments().size())));
        if (crash) {
            // the capture kernel runs in low memory the crashed kernel used: its first 640 KiB go to the backup
            // segment, where the ELF core header's first PT_LOAD points (after the digest check: it overwrites it)
            CrashMemory memory = CrashMemory.of(context.machine().iomem());
            Segment backup = segment(context, "backup");
            steps.add(PurgatorySteps.copy(memory.backupSource().start(), backup.mem(), memory.backupSize(),
                    "the backup region"));
        }
        Segment kernel = segment(context, "kernel");
        Segment setup = segment(context, "setup");
        steps.add(PurgatorySteps.jump(X86_64Platform.entryRegisters(kernel.mem(), setup.mem())));
        return steps;
    }

    private static Segment segment(PlanContext context, String role) {
        return context.segments().stream().filter(s -> s.role().equals(role)).findFirst().orElseThrow(
                () -> new HandoffException(FailureKind.INTERNAL, "x86_64 purgatory steps: the plan has no " + role
                        + " segment"));
    }
}
