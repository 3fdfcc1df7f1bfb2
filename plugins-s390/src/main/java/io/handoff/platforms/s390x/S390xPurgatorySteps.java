package io.handoff.platforms.s390x;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.plan.PlanContext;
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

    @Override
    public List<PurgatoryStep> steps(PlanContext context) {
        List<PurgatoryStep> steps = new ArrayList<>();
        if (!context.request().crash()) {
            steps.add(Steps.loadPsw(Steps.PSW_MASK_31, S390Image.STARTUP_NORMAL, "the kernel's normal entry"));
            return steps;
        }
        MemoryRange crash = context.crashRegion().orElseThrow(() -> new HandoffException(FailureKind.INTERNAL,
                "s390x purgatory steps: a kdump plan without a crash region"));
        // the capture kernel runs in [0, crash size): what was there goes up into the crash region, where the
        // kdump kernel finds it through OLDMEM_BASE; [0x2000, 0x10000) is left alone (purgatory lives above it)
        steps.add(Steps.swap(crash.start() + S390xPlatform.SWAP_FROM, S390xPlatform.SWAP_FROM,
                crash.size() - S390xPlatform.SWAP_FROM, "the crash region with low memory"));
        steps.add(Steps.copy(0, crash.start(), S390xPlatform.LOWCORE_SIZE, "the old lowcore into the crash region"));
        steps.add(Steps.loadPsw(Steps.PSW_MASK_64, S390Image.STARTUP_KDUMP, "the kdump kernel's entry"));
        return steps;
    }
}
