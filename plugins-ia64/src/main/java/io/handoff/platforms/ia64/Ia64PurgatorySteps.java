package io.handoff.platforms.ia64;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.spi.PurgatoryStepContributor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The IA-64 purgatory program around the framework's digest check: the serial console and banner (unless port
 * I/O is off, kexec-tools' {@code --noio}), then the boot_param copy, the EFI memory-map patch, the
 * SetVirtualAddressMap hook and the jump with r28, in the order of kexec-tools' {@code ia64_env_setup}.
 *
 * @since 0.3
 */
@Extension
public final class Ia64PurgatorySteps implements PurgatoryStepContributor {
    @Override
    public String id() {
        return "ia64-purgatory";
    }

    @Override
    public List<String> stepNames() {
        return List.of("console", "print", Ia64Steps.BOOT_PARAM.id(), Ia64Steps.EFI_MEMMAP.id(),
                Ia64Steps.SVAM_HOOK.id(), Ia64Steps.JUMP.id());
    }

    /** Return the console and banner (port I/O on), the plan's boot data steps and its jump. */
    @Override
    public List<PurgatoryStep> steps(PlanContext context) {
        PlatformPlan plan = context.platformPlan().orElseThrow(() -> new HandoffException(FailureKind.INTERNAL,
                "ia64 purgatory steps: the context has no platform plan"));
        List<PurgatoryStep> steps = new ArrayList<>();
        if (!Ia64Platform.portIo(context)) {
            refusePortIoOfOthers(context);
        } else {
            steps.add(Ia64Steps.console());
            steps.add(Ia64Steps.CONSOLE.print(String.format("handoff: purgatory for ia64 %s, %d segments",
                    context.request().crash() ? "kdump" : "kexec", context.segments().size())));
        }
        steps.addAll(plan.memoryMoves());
        steps.add(plan.terminalStep().orElseThrow(() -> new HandoffException(FailureKind.INTERNAL,
                "ia64 purgatory steps: the platform plan has no jump into the kernel")));
        return steps;
    }

    // noio promises a purgatory that touches no I/O port: a plan whose other contributors would still program the
    // UART, read the CMOS clock or talk to the BMC is refused, not quietly broken
    private void refusePortIoOfOthers(PlanContext context) {
        for (PurgatoryStepContributor other : context.contributions(PurgatoryStepContributor.class)) {
            if (other.id().equals(id())) {
                continue;
            }
            List<String> io = other.steps(context).stream().map(PurgatoryStep::kind).filter(PORT_IO::contains)
                    .distinct().toList();
            if (!io.isEmpty()) {
                throw new HandoffException(FailureKind.CONFIGURATION, String.format("handoff.platforms.ia64.noio: "
                        + "purgatory may not touch I/O ports, but %s adds %s steps; turn those off (last words: "
                        + "handoff.last-words) or set noio = false", other.id(), String.join(", ", io)));
            }
        }
    }

    /** The generic kinds that use I/O ports. */
    private static final Set<String> PORT_IO = Set.of("console", "rtc", "ipmi-request", "cpu-ip-records");
}
