package io.handoff.simulator;

import io.handoff.api.plan.Segment;
import io.handoff.core.plan.HandoffImage;
import io.handoff.simulator.bmc.BmcReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders a plan and its run on the reference machine as text a reader new to kexec can follow.
 *
 * @since 0.1
 */
public final class TraceReport {
    /** The closing line of every report: what this was not. */
    public static final String NOT_HARDWARE =
            "This ran on the simulated reference machine (handoff testkit), not on hardware.";

    private TraceReport() {
    }

    /**
     * Render the report.
     *
     * @param image the plan, or empty when the planner refused it
     * @param trace the run
     * @return the lines, the last being {@link #NOT_HARDWARE}
     */
    public static List<String> render(Optional<HandoffImage> image, Trace trace) {
        List<String> out = new ArrayList<>();
        image.ifPresent(i -> plan(out, i));
        if (image.isEmpty()) {
            out.add("Nothing was planned.");
        }
        trace.program().ifPresent(p -> program(out, trace, p));
        if (!trace.events().isEmpty()) {
            out.add("");
            out.add("What the machine did:");
            trace.events().forEach(e -> out.add("  " + e));
        }
        out.add("");
        if (trace.consoleLines().isEmpty() && trace.console().isEmpty() && noConsoleStep(trace)) {
            out.add("Console: none (the program has no console step: this platform's purgatory has no UART; what it "
                    + "did is in the machine's events above).");
        } else if (trace.consoleLines().isEmpty() && trace.console().isEmpty()) {
            out.add("Serial console (COM1, 0x3f8): nothing was written.");
        } else {
            out.add("Serial console (COM1, 0x3f8), with the virtual time each line ended:");
            trace.consoleLines().forEach(l -> out.add(String.format(Locale.ROOT, "  [%12s] %s", time(l.at()), l.text())));
            String tail = trace.console().substring(trace.console().lastIndexOf('\n') + 1);
            if (!tail.isEmpty()) {
                out.add("  [  (no newline)] " + tail);
            }
        }
        trace.efi().filter(e -> !e.calls().isEmpty()).ifPresent(efi -> {
            out.add("");
            out.add(String.format("UEFI runtime services (EFI_RUNTIME_SERVICES at %#x):", efi.runtimeServicesTable()));
            efi.calls().forEach(c -> out.add("  call: " + c));
            efi.variables().forEach(v -> out.add("  variable " + v.describe()));
        });
        trace.bmc().filter(BmcReport::touched).ifPresent(bmc -> {
            out.add("");
            out.addAll(bmc.lines());
        });
        out.add("");
        out.add("Outcome: " + outcome(image, trace) + trace.bmc().filter(b -> !b.resets().isEmpty())
                .map(b -> " Then, with the new kernel hung, the BMC watchdog reset the machine at "
                        + time(b.resets().get(0)) + " (virtual).").orElse(""));
        out.add("Virtual time from the crash to the end: " + time(trace.total())
                + trace.budget().map(b -> trace.total().compareTo(b) > 0
                        ? " -- OVER the planner's worst-case budget of " + time(b)
                        : " (the planner's worst-case budget: " + time(b) + ")").orElse(""));
        out.add(NOT_HARDWARE);
        return out;
    }

    private static void plan(List<String> out, HandoffImage image) {
        boolean crash = image.request().crash();
        out.add(String.format("Planned: a %s on platform %s.", crash
                ? "kdump load (a capture kernel waits in reserved memory and starts if the running kernel panics)"
                : "kexec reboot (the running kernel hands the machine straight to a new one)", image.platformId()));
        image.crashRegion().ifPresent(r -> out.add(String.format("Crash region: %#x-%#x.", r.start(), r.end())));
        out.add("Segments copied into memory before the crash (data, then zeros up to the size in memory):");
        for (Segment s : image.segments()) {
            out.add(String.format(Locale.ROOT, "  %-12s at %#012x  %10d bytes of data, %10d in memory", s.role(), s.mem(),
                    s.bufsz(), s.memsz()));
        }
        StringBuilder registers = new StringBuilder();
        image.plan().registers().forEach((name, value) -> {
            if (value != 0) {
                registers.append(registers.length() == 0 ? " with " : ", ").append(String.format("%s=%#x", name, value));
            }
        });
        out.add(String.format("Entry: %#x (purgatory); the new kernel is entered at %#x%s.", image.entry(),
                image.plan().entry(), registers));
        image.assist().ifPresent(a -> {
            out.add("Crash assist " + a.assist() + ":");
            a.facts().forEach((k, v) -> out.add("  " + k + ": " + v));
        });
    }

    private static void program(List<String> out, Trace trace, PurgatoryProgram p) {
        out.add("");
        out.add(String.format("Purgatory (the code between the two kernels) runs %d steps%s:", p.steps().size(),
                p.fallback().isEmpty() ? "" : ", then " + p.fallback().size() + " fallback steps if a required one fails"));
        out.add(String.format(Locale.ROOT, "  %-4s %-16s %-11s %12s  %-11s %12s %12s", "#", "step", "policy",
                "worst case", "outcome", "reported at", "took"));
        for (TimelineEntry e : timeline(trace)) {
            out.add(String.format(Locale.ROOT, "  %-4s %-16s %-11s %12s  %-11s %12s %12s", e.index(), e.step(),
                    e.policy(), time(e.worstCase()), e.outcome(), e.reportedAt().map(TraceReport::time).orElse("-"),
                    e.took().map(TraceReport::time).orElse("-")));
        }
        out.add("  (times are virtual, read from the console line reporting each step; \"-\": it printed none)");
    }

    /**
     * One row of a run's step timeline, as reports show it.
     *
     * @param index the step's index, {@code f}-prefixed for a fallback step
     * @param step the step's name
     * @param policy when it runs and whether it is required
     * @param worstCase the step's declared worst case
     * @param outcome what happened to it, in words ({@code completed}, {@code not reached} …)
     * @param reportedAt the virtual time of the console line reporting it, if any
     * @param took the virtual time since the previous report, if it was reported
     */
    public record TimelineEntry(String index, String step, String policy, Duration worstCase, String outcome,
                                Optional<Duration> reportedAt, Optional<Duration> took) {
    }

    /** Return the run's steps, main then fallback, as timeline rows. */
    public static List<TimelineEntry> timeline(Trace trace) {
        List<TimelineEntry> rows = new ArrayList<>();
        for (StepRun r : trace.steps()) {
            PurgatoryProgram.Step s = r.step();
            rows.add(new TimelineEntry((s.fallback() ? "f" : "") + s.index(), s.name(), s.policyName(),
                    Duration.ofNanos(s.worstCaseUs() * 1000),
                    r.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' '), r.reportedAt(), r.duration()));
        }
        return rows;
    }

    /** Return how the run ended, in one sentence (what the report's "Outcome:" line says). */
    public static String outcome(Optional<HandoffImage> image, Trace trace) {
        Handoff h = trace.handoff();
        if (h instanceof Handoff.Jumped j) {
            String planned = image.map(i -> {
                // as planned: every register the platform planned has its value at the jump
                boolean same = i.plan().registers().entrySet().stream()
                        .allMatch(e -> e.getValue().equals(j.registers().get(e.getKey())));
                return same ? " (as planned)" : " (NOT what the plan says)";
            }).orElse("");
            return "purgatory " + j.describe() + planned + ": the new kernel would start now.";
        }
        if (h instanceof Handoff.Halted halted) {
            return "purgatory halted the CPU with reason " + halted.reason()
                    + ": the fallback ran instead of the new kernel.";
        }
        if (h instanceof Handoff.Stopped stopped) {
            return "purgatory " + stopped.describe() + ": the fallback ran instead of the new kernel.";
        }
        if (h instanceof Handoff.ProbeFailed) {
            return h.describe() + ".";
        }
        if (h instanceof Handoff.FirmwareReset) {
            return "purgatory called the UEFI firmware: " + h.describe() + ".";
        }
        if (h instanceof Handoff.Hung hung) {
            return "purgatory " + hung.describe() + " (the program's budget of " + time(hung.budget())
                    + " ran out: nothing else happens until something resets the machine).";
        }
        if (h instanceof Handoff.Reset) {
            return "purgatory " + h.describe() + ": the fallback ran instead of the new kernel.";
        }
        return h.describe();
    }

    private static boolean noConsoleStep(Trace trace) {
        return trace.program().map(p -> p.steps().stream().noneMatch(step -> step.kind() == 1)).orElse(false);
    }

    /** Format a virtual duration: ns, µs, ms or s with three decimals. */
    public static String time(Duration d) {
        long ns = d.toNanos();
        if (ns < 1_000) {
            return ns + " ns";
        }
        if (ns < 1_000_000) {
            return String.format(Locale.ROOT, "%.3f us", ns / 1e3);
        }
        if (ns < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.3f ms", ns / 1e6);
        }
        return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
    }
}
