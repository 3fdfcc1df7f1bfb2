package io.handoff.simulator;

import io.handoff.simulator.bmc.BmcReport;
import io.handoff.simulator.efi.EfiRuntimeReport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened when a plan ran on the reference machine: the steps, the console, and the handoff.
 *
 * @param program the step program read back from the parameter area; empty when it could not be read
 *     (the runtime then refuses it too)
 * @param steps the main steps then the fallback steps, each with its outcome and virtual time
 * @param console everything written to the serial console
 * @param consoleLines the console's completed lines, each with the virtual time it ended
 * @param handoff how the run ended
 * @param total the virtual time from the crash to the end of the run
 * @param events what the machine did besides running the program (faults injected, bytes corrupted), one line each
 * @param bmc what the BMC recorded (its SEL, its watchdog); empty when nothing ran on a machine
 * @param efi what the UEFI runtime services saw (calls, variables); empty on a machine without UEFI firmware
 */
public record Trace(Optional<PurgatoryProgram> program, List<StepRun> steps, String console,
                    List<ConsoleLine> consoleLines, Handoff handoff, Duration total, List<String> events,
                    Optional<BmcReport> bmc, Optional<EfiRuntimeReport> efi) {
    public Trace {
        Objects.requireNonNull(efi, "efi");
        Objects.requireNonNull(program, "program");
        steps = List.copyOf(steps);
        Objects.requireNonNull(console, "console");
        consoleLines = List.copyOf(consoleLines);
        Objects.requireNonNull(handoff, "handoff");
        Objects.requireNonNull(total, "total");
        events = List.copyOf(events);
        Objects.requireNonNull(bmc, "bmc");
    }

    /** Create a trace of a machine without UEFI firmware. */
    public Trace(Optional<PurgatoryProgram> program, List<StepRun> steps, String console,
                 List<ConsoleLine> consoleLines, Handoff handoff, Duration total, List<String> events,
                 Optional<BmcReport> bmc) {
        this(program, steps, console, consoleLines, handoff, total, events, bmc, Optional.empty());
    }

    /** Create a trace without a BMC report (nothing ran on a machine, such as a planner refusal). */
    public Trace(Optional<PurgatoryProgram> program, List<StepRun> steps, String console,
                 List<ConsoleLine> consoleLines, Handoff handoff, Duration total, List<String> events) {
        this(program, steps, console, consoleLines, handoff, total, events, Optional.empty(), Optional.empty());
    }

    /** Return the main program's steps. */
    public List<StepRun> mainSteps() {
        return steps.stream().filter(s -> !s.step().fallback()).toList();
    }

    /** Return the fallback steps. */
    public List<StepRun> fallbackSteps() {
        return steps.stream().filter(s -> s.step().fallback()).toList();
    }

    /** Return the console lines' texts, in order. */
    public List<String> lines() {
        return consoleLines.stream().map(ConsoleLine::text).toList();
    }

    /** Return the planner's worst-case bound of the program, when the program could be read. */
    public Optional<Duration> budget() {
        return program.map(p -> Duration.ofNanos(p.budgetUs() * 1_000));
    }
}
