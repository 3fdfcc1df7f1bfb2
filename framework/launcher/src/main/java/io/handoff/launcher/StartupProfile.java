package io.handoff.launcher;

import io.handoff.core.digest.SegmentDigester;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where one invocation's time went, phase by phase, printed on stderr when {@code -Dhandoff.profile=true}.
 *
 * <p>The performance benchmarks ({@code integration-tests/bench/}) turn it on so a regression shows the phase it
 * comes from: the JVM (its creation to {@code main}), the CLI model, configuration, plugins (PF4J and Guice),
 * planning (of which the segment digests are shown apart) and writing. Off, a mark costs one field read.
 */
final class StartupProfile {
    private static final boolean ENABLED = Boolean.getBoolean("handoff.profile");
    private static final Map<String, Long> MARKS = new LinkedHashMap<>();

    private StartupProfile() {
    }

    /** Record that the phase {@code name} ended now. */
    static void mark(String name) {
        if (ENABLED) {
            MARKS.put(name, System.nanoTime());
        }
    }

    /** Print the phases, when enabled. */
    static void report(PrintWriter err) {
        if (!ENABLED || MARKS.isEmpty()) {
            return;
        }
        long end = System.nanoTime();
        // the JVM's creation (after bin/handoff exec'd it), in milliseconds: good enough to show the JVM's share
        long sinceStart = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime())
                * 1_000_000L;
        long origin = end - sinceStart;
        StringBuilder line = new StringBuilder("handoff: profile:");
        long previous = origin;
        for (Map.Entry<String, Long> m : MARKS.entrySet()) {
            line.append(String.format(" %s=%.1fms", m.getKey(), (m.getValue() - previous) / 1e6));
            previous = m.getValue();
        }
        line.append(String.format(" rest=%.1fms total=%.1fms (digests %.1fms) classes=%d",
                (end - previous) / 1e6, (end - origin) / 1e6, SegmentDigester.totalNanos() / 1e6,
                ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount()));
        err.println(line);
        err.flush();
    }
}
