package com.example.handoff.toyarch;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import io.handoff.api.plan.Segment;
import io.handoff.api.spi.PurgatoryStepContributor;
import java.time.Duration;
import java.util.List;
import org.pf4j.Extension;

/**
 * The toyarch purgatory program around the framework's digest check: the serial console, a banner, and the
 * terminal {@code toy-enter} into the kernel with a0 = the boot-info block.
 */
@Extension
public final class ToyArchPurgatorySteps implements PurgatoryStepContributor {
    static final long COM1 = 0x3F8;

    @Override
    public String id() {
        return "toyarch-purgatory";
    }

    @Override
    public List<String> stepNames() {
        return List.of("console", "print", ToyArchSteps.TOY_ENTER.id());
    }

    @Override
    public List<PurgatoryStep> steps(PlanContext context) {
        ToyKernel kernel = ToyKernel.parse(context.request().kernel());
        long entry = segment(context, "kernel").mem() + kernel.entryOffset();
        long bootInfo = segment(context, "bootinfo").mem();
        return List.of(
                console(),
                print(String.format("handoff: purgatory for toyarch %s, %d segments",
                        context.request().crash() ? "kdump" : "kexec", context.segments().size())),
                new PurgatoryStep(ToyArchSteps.TOY_ENTER.id(), FailurePolicy.REQUIRED,
                        ToyArchSteps.TOY_ENTER.worstCase(List.of()), List.of(entry, bootInfo),
                        String.format("ring the boot doorbell, enter the kernel at %#x with a0=%#x (boot info)",
                                entry, bootInfo)));
    }

    /**
     * The console's worst case: one bounded wait for a UART that never drains (2 s on the RTC plus its 1 s
     * resolution; the iteration cap ends it sooner when the RTC is frozen). The first wait that fails silences the
     * console, so the prints after it cost nothing more; charged here once for the whole program.
     */
    static final Duration CONSOLE_WORST_CASE = Duration.ofSeconds(3);

    static PurgatoryStep console() {
        return new PurgatoryStep("console", FailurePolicy.BEST_EFFORT, CONSOLE_WORST_CASE, List.of(COM1, 1L),
                "16550 UART at 0x3f8 (memory-mapped on the toy board), 115200 baud");
    }

    /** A console line at 115200 baud: 10 bits a byte, plus 1 ms. */
    static PurgatoryStep print(String text) {
        long micros = (text.length() + 2L) * 10 * 1_000_000 / 115_200 + 1;
        return new PurgatoryStep("print", FailurePolicy.BEST_EFFORT, Duration.ofMillis(1).plusNanos(micros * 1000),
                List.of(), text + "\n");
    }

    private static Segment segment(PlanContext context, String role) {
        return context.segments().stream().filter(s -> s.role().equals(role)).findFirst().orElseThrow(
                () -> new HandoffException(FailureKind.INTERNAL, "toyarch purgatory steps: the plan has no " + role
                        + " segment"));
    }
}
