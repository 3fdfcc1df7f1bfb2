package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.lastwords.LastWordsOptions;
import io.handoff.lastwords.Watchdog;
import io.handoff.lastwords.WatchdogTimer.TimeoutAction;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The last-words options of {@code plan}, {@code simulate} and {@code platforms}: each is checked here, naming the
 * option in a one-line CONFIGURATION error, and becomes a {@code handoff.last-words.*} override.
 */
final class LastWordsCliOptions {
    @Option(names = "--ipmi-kcs-ports", paramLabel = "DATA,STATUS",
            description = "The BMC's KCS interface as two I/O ports (default 0xCA2,0xCA3).")
    String kcsPorts;

    @Option(names = "--ipmi-timeout", paramLabel = "DURATION",
            description = "The deadline of one KCS transaction attempt, such as 5s or 250ms (1 ms .. 60 s; default 5s).")
    String timeout;

    @Option(names = "--ipmi-retries", paramLabel = "N",
            description = "How often a failed KCS transaction is retried after the abort recovery (0..10; default 3).")
    String retries;

    @Option(names = "--ipmi-deadline", paramLabel = "DURATION",
            description = {"How long all IPMI steps together may take (1 ms .. 600 s; default 10s); the rest are",
                "skipped once it has passed."})
    String deadline;

    @Option(names = "--watchdog", paramLabel = "start:SECONDS|stop|leave",
            description = "Arm the BMC watchdog before the next kernel runs, stop it, or leave it (default leave).")
    String watchdog;

    @Option(names = "--panic-event",
            description = "Crash handoffs: record the panic in the BMC's SEL (a Platform Event Message and the text).")
    boolean panicEvent;

    @Option(names = "--cpu-ip", paramLabel = "console,sel",
            description = "Crash handoffs: each CPU's instruction pointer to the console, the SEL, or both.")
    String cpuIp;

    /**
     * Return the options given as configuration overrides.
     *
     * @throws HandoffException CONFIGURATION naming the option for a bad value
     */
    Map<String, String> overrides() {
        Map<String, String> out = new LinkedHashMap<>();
        if (kcsPorts != null) {
            int[] ports = LastWordsOptions.parsePorts(kcsPorts, "--ipmi-kcs-ports");
            out.put(key("kcs-ports"), String.format("%#x,%#x", ports[0], ports[1]));
        }
        if (timeout != null) {
            Duration d = LastWordsOptions.checkTimeout(LastWordsOptions.parseDuration(timeout, "--ipmi-timeout"),
                    "--ipmi-timeout");
            out.put(key("timeout"), d.toNanos() + "ns");
        }
        if (retries != null) {
            int n;
            try {
                n = Integer.parseInt(retries.trim());
            } catch (NumberFormatException e) {
                throw new HandoffException(FailureKind.CONFIGURATION, "--ipmi-retries: '" + retries
                        + "' is not a number 0.." + LastWordsOptions.MAX_RETRIES, e);
            }
            out.put(key("retries"), Integer.toString(LastWordsOptions.checkRetries(n, "--ipmi-retries")));
        }
        if (deadline != null) {
            Duration d = LastWordsOptions.checkDeadline(LastWordsOptions.parseDuration(deadline, "--ipmi-deadline"),
                    "--ipmi-deadline");
            out.put(key("deadline"), d.toNanos() + "ns");
        }
        if (watchdog != null) {
            // the action and logging come from the configuration; only the syntax is checked here
            Watchdog.parse(watchdog, TimeoutAction.HARD_RESET, false, "--watchdog");
            out.put(key("watchdog"), watchdog.trim());
        }
        if (panicEvent) {
            out.put(key("panic-event"), "true");
        }
        if (cpuIp != null) {
            LastWordsOptions.parseCpuIp(cpuIp, "--cpu-ip");
            out.put(key("cpu-ip"), cpuIp.trim());
        }
        return out;
    }

    private static String key(String leaf) {
        return LastWordsOptions.ROOT + "." + leaf;
    }
}
