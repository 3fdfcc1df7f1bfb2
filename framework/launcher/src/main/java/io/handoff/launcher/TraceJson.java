package io.handoff.launcher;

import io.handoff.api.plan.Segment;
import io.handoff.core.plan.HandoffImage;
import io.handoff.simulator.Trace;
import io.handoff.simulator.TraceReport;
import io.handoff.simulator.bmc.BmcReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A plan and its run on the reference machine as JSON models: what {@code simulate --json} prints and what each
 * run of {@code matrix --json} carries. Times are in nanoseconds of virtual time, addresses are numbers.
 */
final class TraceJson {
    private TraceJson() {
    }

    /** Return the plan: platform, mode, crash region, segments, entries and registers. */
    static Map<String, Object> plan(HandoffImage image) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("platform", image.platformId());
        m.put("mode", image.request().crash() ? "kdump" : "kexec");
        m.put("commandLine", image.plan().commandLine());
        m.put("crashRegion", image.crashRegion().map(r -> ordered("start", r.start(), "end", r.end())).orElse(null));
        List<Object> segments = new ArrayList<>();
        for (Segment s : image.segments()) {
            Map<String, Object> seg = new LinkedHashMap<>();
            seg.put("role", s.role());
            seg.put("mem", s.mem());
            seg.put("bufsz", s.bufsz());
            seg.put("memsz", s.memsz());
            segments.add(seg);
        }
        m.put("segments", segments);
        m.put("entry", image.entry());
        m.put("kernelEntry", image.plan().entry());
        m.put("registers", new java.util.TreeMap<>(image.plan().registers()));
        image.assist().ifPresent(a -> m.put("assist", ordered("id", a.assist(), "facts", a.facts())));
        return m;
    }

    /** Return the run: its steps as a timeline, the console, the machine's events, the BMC and UEFI, the outcome. */
    static Map<String, Object> run(Optional<HandoffImage> image, Trace t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outcome", TraceReport.outcome(image, t));
        m.put("virtualNanos", t.total().toNanos());
        m.put("budgetNanos", t.budget().map(Duration::toNanos).orElse(null));
        List<Object> steps = new ArrayList<>();
        for (TraceReport.TimelineEntry s : TraceReport.timeline(t)) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("index", s.index());
            step.put("step", s.step());
            step.put("policy", s.policy());
            step.put("worstCaseNanos", s.worstCase().toNanos());
            step.put("outcome", s.outcome());
            step.put("reportedAtNanos", s.reportedAt().map(Duration::toNanos).orElse(null));
            step.put("tookNanos", s.took().map(Duration::toNanos).orElse(null));
            steps.add(step);
        }
        m.put("steps", steps);
        List<Object> console = new ArrayList<>();
        t.consoleLines().forEach(l -> console.add(ordered("atNanos", l.at().toNanos(), "text", l.text())));
        m.put("console", console);
        m.put("events", t.events());
        m.put("bmc", t.bmc().filter(BmcReport::touched).map(BmcReport::lines).orElse(null));
        m.put("efi", t.efi().filter(e -> !e.calls().isEmpty()).map(e -> ordered(
                "runtimeServicesTable", e.runtimeServicesTable(), "calls", e.calls(),
                "variables", e.variables().stream().map(v -> v.describe()).toList())).orElse(null));
        return m;
    }

    /** Return a map of these keys and values, in this order (JSON output is stable from run to run). */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
