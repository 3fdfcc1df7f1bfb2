package io.handoff.api.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a platform hands back after placing its segments through the {@link PlanContext}.
 *
 * <p>Step contributors see it through {@link PlanContext#platformPlan()}, so the steps that depend on what the
 * platform placed (the memory it moves for a kdump, the jump into the kernel) are built once, by the platform, from
 * the same values as the plan, and are not derived again from the segments' roles or the machine.
 *
 * @param entry the kernel's entry; when purgatory is linked, kexec enters purgatory instead and the
 *     platform's jump step (built from the same registers) enters the kernel here
 * @param registers the registers the kernel is entered with (x86_64: {@code rip}, {@code rsi} …), in order
 * @param commandLine the final command line the new kernel receives
 * @param facts name/value lines for {@code plan.txt} and {@code manifest.json} (boot protocol fields, etc.)
 * @param warnings things the user should know, one line each
 * @param memoryMoves the copy and swap steps purgatory makes after the digest check and before the terminal step
 *     (a kdump backup copy, a crash-region swap), in order; empty when there are none
 * @param terminalStep the step that enters the kernel ({@code entry} with {@code registers}); empty when the
 *     platform leaves it to its step contributor
 * @since 0.1
 */
public record PlatformPlan(long entry, Map<String, Long> registers, String commandLine, Map<String, String> facts,
                           List<String> warnings, List<PurgatoryStep> memoryMoves,
                           Optional<PurgatoryStep> terminalStep) {
    public PlatformPlan {
        registers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(registers));
        Objects.requireNonNull(commandLine, "commandLine");
        facts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        warnings = List.copyOf(warnings);
        memoryMoves = List.copyOf(memoryMoves);
        Objects.requireNonNull(terminalStep, "terminalStep");
    }

    /** Create a plan without memory moves or terminal step: its step contributor builds them. */
    public PlatformPlan(long entry, Map<String, Long> registers, String commandLine, Map<String, String> facts,
                        List<String> warnings) {
        this(entry, registers, commandLine, facts, warnings, List.of(), Optional.empty());
    }

    /**
     * Return this plan with other warnings.
     *
     * @param others the warnings, one line each
     * @since 0.2
     */
    public PlatformPlan withWarnings(List<String> others) {
        return new PlatformPlan(entry, registers, commandLine, facts, others, memoryMoves, terminalStep);
    }
}
