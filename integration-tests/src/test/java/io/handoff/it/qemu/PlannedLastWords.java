package io.handoff.it.qemu;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last words a plan announced, read from its bundle's {@code manifest.json}: the purgatory steps'
 * kinds and descriptions ({@code ipmi: SEL panic text 2/6 "capture ker"}), which is what a user reads.
 *
 * @param commandLine the capture kernel's final command line
 * @param kinds the purgatory step kinds in program order
 * @param descriptions the step descriptions in program order
 * @param panicEvent whether a Platform Event Message is planned
 * @param textPieces the panic text's SEL pieces in sequence order
 * @param cpuIpCpus how many CPUs the cpu-ip-records step covers (0: no such step)
 * @param watchdogSeconds the watchdog countdown a Set Watchdog Timer step arms, if any
 * @param watchdogAction the action named by that step ({@code hard-reset} …), empty without one
 */
record PlannedLastWords(String commandLine, List<String> kinds, List<String> descriptions, boolean panicEvent,
                        List<String> textPieces, int cpuIpCpus, OptionalInt watchdogSeconds, String watchdogAction) {
    private static final Pattern TEXT = Pattern.compile("^ipmi: SEL panic text (\\d+)/(\\d+) \"(.{1,11})\"");
    private static final Pattern CPU_IP = Pattern.compile("^cpu-ip: (\\d+) CPUs' instruction pointers");
    private static final Pattern WATCHDOG = Pattern.compile("^ipmi: Set Watchdog Timer, SMS/OS, (\\d+) s, ([a-z-]+)");

    /** Return the whole panic text. */
    String text() {
        return String.join("", textPieces);
    }

    /**
     * Read a manifest.
     *
     * @param manifest the JSON bytes
     * @return what it announces
     */
    static PlannedLastWords of(byte[] manifest) {
        Config m = ConfigFactory.parseString(new String(manifest, StandardCharsets.UTF_8),
                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
        List<String> kinds = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        boolean event = false;
        List<String> pieces = new ArrayList<>();
        int cpus = 0;
        OptionalInt seconds = OptionalInt.empty();
        String action = "";
        for (Config step : m.getConfigList("purgatory.steps")) {
            String kind = step.getString("kind");
            String d = step.getString("description");
            kinds.add(kind);
            descriptions.add(d);
            Matcher t = TEXT.matcher(d);
            Matcher c = CPU_IP.matcher(d);
            Matcher w = WATCHDOG.matcher(d);
            if (kind.equals("ipmi-request") && d.startsWith("ipmi: Platform Event Message")) {
                event = true;
            } else if (kind.equals("ipmi-request") && t.find()) {
                if (Integer.parseInt(t.group(1)) != pieces.size() + 1) {
                    throw new IllegalStateException("manifest: panic text piece out of order: " + d);
                }
                pieces.add(t.group(3));
            } else if (kind.equals("cpu-ip-records") && c.find()) {
                cpus = Integer.parseInt(c.group(1));
            } else if (kind.equals("ipmi-request") && w.find()) {
                seconds = OptionalInt.of(Integer.parseInt(w.group(1)));
                action = w.group(2);
            }
        }
        return new PlannedLastWords(m.getString("commandLine"), List.copyOf(kinds), List.copyOf(descriptions), event,
                List.copyOf(pieces), cpus, seconds, action);
    }
}
