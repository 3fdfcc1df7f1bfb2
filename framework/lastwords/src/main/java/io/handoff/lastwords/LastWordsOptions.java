package io.handoff.lastwords;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.Settings;
import io.handoff.lastwords.WatchdogTimer.TimeoutAction;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options of last words, bound from {@code handoff.last-words} (see the module's {@code reference.conf}).
 *
 * @param dataPort the KCS data register
 * @param statusPort the KCS command/status register
 * @param timeout the deadline of one KCS transaction attempt, all its waits together (1 ms .. 60 s)
 * @param retries how many times a failed transaction is retried (0..10)
 * @param deadline the last-words deadline: all IPMI steps together, from the start of the first (1 ms .. 600 s)
 * @param watchdog what to do with the BMC watchdog
 * @param panicEvent whether a crash handoff records the panic: a Platform Event Message and the panic text
 *     as SEL text records
 * @param cpuIpConsole whether a crash handoff prints each CPU's instruction pointer
 * @param cpuIpSel whether a crash handoff writes each CPU's instruction pointer to the SEL
 * @param panicText the SEL text of a panic event; empty means "handoff to capture kernel" and the head of the
 *     capture kernel's command line
 * @since 0.1
 */
public record LastWordsOptions(int dataPort, int statusPort, Duration timeout, int retries, Duration deadline,
                               Watchdog watchdog,
                               boolean panicEvent, boolean cpuIpConsole, boolean cpuIpSel,
                               Optional<String> panicText) {
    /** The configuration namespace. */
    public static final String ROOT = "handoff.last-words";
    /** The longest panic text: {@value #MAX_TEXT_RECORDS} SEL text records of 11 bytes. */
    public static final int MAX_TEXT_RECORDS = 6;
    /** The longest panic text in bytes. */
    public static final int MAX_TEXT = MAX_TEXT_RECORDS * SelRecords.TEXT_PER_RECORD;
    /** The longest wait timeout. */
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
    /** The most retries (Linux's KCS driver gives up after 10). */
    public static final int MAX_RETRIES = 10;
    /** The longest last-words deadline. */
    public static final Duration MAX_DEADLINE = Duration.ofSeconds(600);
    /** The default last-words deadline. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

    /** The defaults: KCS at 0xCA2/0xCA3, 5 s per attempt, 3 retries, a 10 s deadline, nothing enabled. */
    public static final LastWordsOptions DEFAULTS = new LastWordsOptions(KcsTransport.DEFAULT_DATA_PORT,
            KcsTransport.DEFAULT_STATUS_PORT, Duration.ofSeconds(5), 3, DEFAULT_DEADLINE, Watchdog.LEAVE, false,
            false, false, Optional.empty());

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s|m|min)");

    /** Check the fields (programming errors; user input is checked by the parsers). */
    public LastWordsOptions {
        Objects.requireNonNull(watchdog, "watchdog");
        Objects.requireNonNull(panicText, "panicText");
        new KcsTransport(dataPort, statusPort, timeout, retries, deadline); // range checks
    }

    /** CPU instruction pointer outputs ({@code --cpu-ip console,sel}). */
    public enum CpuIpOutput {
        /** The purgatory console. */
        CONSOLE,
        /** The BMC's System Event Log. */
        SEL
    }

    /** Return the KCS transport these options describe. */
    public KcsTransport transport() {
        return new KcsTransport(dataPort, statusPort, timeout, retries, deadline);
    }

    /** Tell whether these options ask for nothing at all. */
    public boolean silent() {
        return !panicEvent && !cpuIpConsole && !cpuIpSel && watchdog == Watchdog.LEAVE;
    }

    /**
     * Bind the options from settings rooted at {@code handoff.last-words}.
     *
     * @param settings the module's settings (its {@code reference.conf} supplies every key)
     * @return the options
     * @throws HandoffException CONFIGURATION naming the setting for a bad value
     */
    public static LastWordsOptions from(Settings settings) {
        int[] ports = parsePorts(settings.getString("kcs-ports"), ROOT + ".kcs-ports");
        Duration timeout = checkTimeout(settings.getDuration("timeout"), ROOT + ".timeout");
        int retries = checkRetries(settings.getInt("retries"), ROOT + ".retries");
        Duration deadline = checkDeadline(settings.getDuration("deadline"), ROOT + ".deadline");
        TimeoutAction action = parseAction(settings.getString("watchdog-action"), ROOT + ".watchdog-action");
        Watchdog watchdog = Watchdog.parse(settings.getString("watchdog"), action,
                settings.getBoolean("watchdog-dont-log"), ROOT + ".watchdog");
        Set<CpuIpOutput> cpuIp = parseCpuIp(settings.getString("cpu-ip"), ROOT + ".cpu-ip");
        String text = settings.getString("panic-text");
        return new LastWordsOptions(ports[0], ports[1], timeout, retries, deadline, watchdog,
                settings.getBoolean("panic-event"),
                cpuIp.contains(CpuIpOutput.CONSOLE), cpuIp.contains(CpuIpOutput.SEL),
                text.isEmpty() ? Optional.empty() : Optional.of(checkText(text, ROOT + ".panic-text")));
    }

    /**
     * Check the attempt deadline: 1 ms .. 60 s.
     *
     * @param timeout the value
     * @param source the option or setting named in errors
     * @return the value
     * @throws HandoffException CONFIGURATION outside the range
     */
    public static Duration checkTimeout(Duration timeout, String source) {
        if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new HandoffException(FailureKind.CONFIGURATION, source + ": " + timeout.toMillis()
                    + " ms is outside 1 ms .. 60 s");
        }
        return timeout;
    }

    /**
     * Check the last-words deadline: 1 ms .. 600 s.
     *
     * @param deadline the value
     * @param source the option or setting named in errors
     * @return the value
     * @throws HandoffException CONFIGURATION outside the range
     */
    public static Duration checkDeadline(Duration deadline, String source) {
        if (deadline.compareTo(Duration.ofMillis(1)) < 0 || deadline.compareTo(MAX_DEADLINE) > 0) {
            throw new HandoffException(FailureKind.CONFIGURATION, source + ": " + deadline.toMillis()
                    + " ms is outside 1 ms .. 600 s");
        }
        return deadline;
    }

    /**
     * Check the retries: 0..{@value #MAX_RETRIES}.
     *
     * @param retries the value
     * @param source the option or setting named in errors
     * @return the value
     * @throws HandoffException CONFIGURATION outside the range
     */
    public static int checkRetries(int retries, String source) {
        if (retries < 0 || retries > MAX_RETRIES) {
            throw new HandoffException(FailureKind.CONFIGURATION, source + ": " + retries + " is outside 0.."
                    + MAX_RETRIES);
        }
        return retries;
    }

    /**
     * Parse a command-line duration: a number and a unit, {@code us}, {@code ms}, {@code s} or {@code m}/{@code min}
     * ({@code 250ms}, {@code 5s}, {@code 1.5s}); the unit is required, unlike HOCON, where a bare number means ms.
     *
     * @param value the text
     * @param source the option named in errors
     * @return the duration
     * @throws HandoffException CONFIGURATION for anything else
     */
    public static Duration parseDuration(String value, String source) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new HandoffException(FailureKind.CONFIGURATION, source + ": '" + value
                    + "' is not a duration; expected a number and a unit such as 5s, 250ms or 1.5s");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        long nanosPerUnit = switch (m.group(2)) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            default -> 60_000_000_000L;
        };
        BigDecimal nanos = number.multiply(BigDecimal.valueOf(nanosPerUnit));
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new HandoffException(FailureKind.CONFIGURATION, source + ": '" + value + "' is too long");
        }
        return Duration.ofNanos(nanos.setScale(0, RoundingMode.UP).longValueExact());
    }

    /**
     * Parse {@code DATA,STATUS} ({@code --ipmi-kcs-ports}); each a number, {@code 0x} for hexadecimal, 0..0xFFFF.
     *
     * @param value such as {@code 0xCA2,0xCA3}
     * @param source the option or setting named in errors
     * @return {data port, status port}
     * @throws HandoffException CONFIGURATION for anything else
     */
    public static int[] parsePorts(String value, String source) {
        String[] parts = value.split(",", -1);
        if (parts.length != 2) {
            throw new HandoffException(FailureKind.CONFIGURATION, source + ": '" + value
                    + "': expected two I/O ports DATA,STATUS such as 0xCA2,0xCA3");
        }
        int data = port(parts[0], value, source);
        int status = port(parts[1], value, source);
        if (data == status) {
            throw new HandoffException(FailureKind.CONFIGURATION, source + ": '" + value
                    + "': the data and status ports must differ");
        }
        return new int[] {data, status};
    }

    private static int port(String text, String value, String source) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            int port = t.startsWith("0x") ? Integer.parseInt(t.substring(2), 16) : Integer.parseInt(t);
            if (port >= 0 && port <= 0xFFFF) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the whole value
        }
        throw new HandoffException(FailureKind.CONFIGURATION, source + ": '" + value + "': '" + text.trim()
                + "' is not an I/O port 0..0xFFFF");
    }

    /**
     * Parse {@code console}, {@code sel}, {@code console,sel} or an empty value / {@code none} ({@code --cpu-ip}).
     *
     * @param value the text
     * @param source the option or setting named in errors
     * @return the outputs
     * @throws HandoffException CONFIGURATION for an unknown output
     */
    public static Set<CpuIpOutput> parseCpuIp(String value, String source) {
        Set<CpuIpOutput> outputs = EnumSet.noneOf(CpuIpOutput.class);
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("none")) {
            return outputs;
        }
        for (String part : v.split(",", -1)) {
            switch (part.trim()) {
                case "console" -> outputs.add(CpuIpOutput.CONSOLE);
                case "sel" -> outputs.add(CpuIpOutput.SEL);
                default -> throw new HandoffException(FailureKind.CONFIGURATION, source + ": '" + value + "': '"
                        + part.trim() + "' is not a cpu-ip output; expected console, sel or both (console,sel)");
            }
        }
        return outputs;
    }

    /**
     * Parse a watchdog timeout action: {@code none}, {@code hard-reset}, {@code power-down} or {@code power-cycle}.
     *
     * @param value the text
     * @param source the option or setting named in errors
     * @return the action
     */
    public static TimeoutAction parseAction(String value, String source) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (TimeoutAction action : TimeoutAction.values()) {
            if (action.id().equals(v)) {
                return action;
            }
        }
        throw new HandoffException(FailureKind.CONFIGURATION, source + ": '" + value
                + "' is not a watchdog action; expected none, hard-reset, power-down or power-cycle");
    }

    private static String checkText(String text, String source) {
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(text)) {
            throw new HandoffException(FailureKind.CONFIGURATION, source + ": the SEL text must be ASCII");
        }
        if (text.length() > MAX_TEXT) {
            throw new HandoffException(FailureKind.CONFIGURATION, source + ": " + text.length()
                    + " characters, at most " + MAX_TEXT + " (" + MAX_TEXT_RECORDS + " SEL records of 11)");
        }
        return text;
    }
}
