package io.handoff.lastwords;

import io.handoff.api.Capabilities;
import io.handoff.api.machine.CrashNote;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.spi.Platform;
import io.handoff.api.spi.PurgatoryStepContributor;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last-words steps offered to every platform whose purgatory has port I/O.
 *
 * <p>In the order they run: an {@code rtc} step (the KCS waits are measured on the CMOS RTC at 0x70/0x71),
 * then on crash handoffs the panic event, the panic text as SEL records and the CPU instruction pointers,
 * then on every handoff the watchdog (Set + Reset to start it, one Set to stop it). Every step is best effort.
 * Reboot handoffs ({@code kexec -l}) get only the watchdog: there is no panic and no NT_PRSTATUS to report.
 *
 * @since 0.1
 */
@Singleton
public final class LastWordsSteps implements PurgatoryStepContributor {
    /** The contribution id. */
    public static final String ID = "last-words";
    /** The text a panic records when none is configured, followed by the capture command line's head. */
    public static final String DEFAULT_TEXT = "handoff to capture kernel";
    /** The CMOS RTC index port. */
    public static final long RTC_INDEX_PORT = 0x70;
    /** The CMOS RTC data port. */
    public static final long RTC_DATA_PORT = 0x71;
    /** The bound of the {@code rtc} step: a few port accesses, no wait. */
    public static final Duration RTC_WORST_CASE = Duration.ofMillis(1);
    /** The bound of one console line a last-words step prints (115 characters at 115200 baud). */
    public static final int CONSOLE_LINE_MS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(LastWordsSteps.class);

    private final LastWordsOptions options;

    /**
     * Create the contributor.
     *
     * @param options the bound options
     */
    @Inject
    public LastWordsSteps(LastWordsOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Return the options. */
    public LastWordsOptions options() {
        return options;
    }

    @Override
    public String id() {
        return ID;
    }

    /** Apply to platforms whose purgatory can use port I/O (KCS and the CMOS RTC are I/O ports). */
    @Override
    public boolean appliesTo(Platform platform) {
        return unavailableReason(platform).isEmpty();
    }

    /**
     * Tell why last words cannot run on a platform, for {@code handoff platforms}.
     *
     * @param platform the platform
     * @return the reason, such as {@code no port I/O}; empty when they can
     */
    public static Optional<String> unavailableReason(Platform platform) {
        return platform.capabilities().contains(Capabilities.PORT_IO) ? Optional.empty() : Optional.of("no port I/O");
    }

    /** Return {@code last words: available} or {@code last words: unavailable (REASON)}. */
    public static String availability(Platform platform) {
        return unavailableReason(platform).map(r -> "last words: unavailable (" + r + ")")
                .orElse("last words: available");
    }

    /**
     * Return one line for {@code handoff platforms}: {@code last words: STEPS; enabled: WHAT} or
     * {@code last words: unavailable (REASON)}.
     *
     * @param platform the platform
     * @return the line
     */
    public String describe(Platform platform) {
        Optional<String> reason = unavailableReason(platform);
        if (reason.isPresent()) {
            return "last words: unavailable (" + reason.get() + ")";
        }
        return "last words: " + String.join(", ", stepNames()) + "; enabled: " + enabled();
    }

    /** Return what the options turn on, such as {@code panic event, cpu-ip to console and SEL, watchdog start:120}. */
    public String enabled() {
        List<String> on = new ArrayList<>();
        if (options.panicEvent()) {
            on.add("panic event");
        }
        if (options.cpuIpConsole() || options.cpuIpSel()) {
            on.add("cpu-ip to " + (options.cpuIpConsole() && options.cpuIpSel() ? "console and SEL"
                    : options.cpuIpConsole() ? "console" : "SEL"));
        }
        if (options.watchdog() != Watchdog.LEAVE) {
            on.add("watchdog " + options.watchdog());
        }
        if (on.isEmpty()) {
            return "nothing (--panic-event, --cpu-ip, --watchdog)";
        }
        return String.join(", ", on) + String.format(" (KCS at %#x/%#x, deadline %s)", options.dataPort(),
                options.statusPort(), seconds(options.deadline()));
    }

    @Override
    public List<String> stepNames() {
        return List.of("rtc", "ipmi panic event", "ipmi panic text", CpuIpRecordsStep.KIND, "ipmi watchdog");
    }

    /**
     * Return the steps for a plan, for the plan's target: its ELF machine and byte order come from the plan
     * ({@link PlanContext#elfMachine()}, {@link PlanContext#byteOrder()}); a context that does not know them
     * (a test double) falls back to the ELF header of the machine's {@code /proc/kcore}.
     *
     * <p>When neither is known the byte order is taken as little-endian (every platform with port I/O is) and
     * CPU instruction pointers are left out with a warning.
     */
    @Override
    public List<PurgatoryStep> steps(PlanContext context) {
        if (options.silent()) {
            return List.of();
        }
        Optional<Target> target = Target.of(context).or(() -> Target.fromKcore(context.machine().view()));
        if (target.isEmpty()) {
            LOG.warn("last words: the plan names no target and /proc/kcore has no readable ELF header; "
                    + "assuming a little-endian target");
        }
        return steps(context, target.orElse(new Target(0, ByteOrder.LITTLE_ENDIAN)));
    }

    /**
     * Return the steps for a plan on a known target (such as {@link Target#of(Platform)}).
     *
     * <p>All IPMI steps share the last-words deadline, so the first carries the bound of them all ({@link
     * KcsTransport#lastWordsBound()} plus {@value #CONSOLE_LINE_MS} ms for each console line they may print
     * once the deadline has passed) and the others carry 0, saying so in their description.
     *
     * @param context the plan
     * @param target the target's ELF machine and byte order
     * @return the steps in the order they run, possibly empty
     */
    public List<PurgatoryStep> steps(PlanContext context, Target target) {
        if (options.silent()) {
            return List.of();
        }
        KcsTransport kcs = options.transport();
        ByteOrder order = target.byteOrder();
        boolean crash = context.request().crash();
        List<Pending> kcsSteps = new ArrayList<>();
        if (crash && options.panicEvent()) {
            String text = panicText(context.request().commandLine());
            kcsSteps.add(ipmi(new IpmiRequestStep(kcs, PlatformEvent.panic(text), "panic event"), order,
                    "ipmi: Platform Event Message, OS critical stop (generator 0x43)"));
            List<byte[]> records = SelRecords.textRecords(text);
            for (int i = 0; i < records.size(); i++) {
                String label = "panic text " + (i + 1) + "/" + records.size();
                kcsSteps.add(ipmi(new IpmiRequestStep(kcs, SelRecords.addEntry(records.get(i)), label), order,
                        "ipmi: SEL " + label + " \"" + piece(text, i) + "\""));
            }
        }
        if (crash && (options.cpuIpConsole() || options.cpuIpSel())) {
            cpuIp(context.machine().crashNotes(), target, kcs).ifPresent(kcsSteps::add);
        }
        if (options.watchdog() instanceof Watchdog.Start start) {
            kcsSteps.add(ipmi(new IpmiRequestStep(kcs,
                    WatchdogTimer.set(WatchdogTimer.start(start.seconds(), start.action(), start.dontLog())),
                    "watchdog set " + start.seconds() + " s"), order,
                    "ipmi: Set Watchdog Timer, SMS/OS, " + start.seconds() + " s, " + start.action().id()));
            kcsSteps.add(ipmi(new IpmiRequestStep(kcs, WatchdogTimer.reset(), "watchdog start"), order,
                    "ipmi: Reset Watchdog Timer (starts the countdown)"));
        } else if (options.watchdog() instanceof Watchdog.Stop) {
            kcsSteps.add(ipmi(new IpmiRequestStep(kcs, WatchdogTimer.stop(), "watchdog stop"), order,
                    "ipmi: Set Watchdog Timer, no action (stops it)"));
        }
        if (kcsSteps.isEmpty()) {
            return List.of();
        }
        List<PurgatoryStep> steps = new ArrayList<>();
        steps.add(new PurgatoryStep("rtc", PurgatoryStep.FailurePolicy.BEST_EFFORT, RTC_WORST_CASE,
                List.of(RTC_INDEX_PORT, RTC_DATA_PORT), "rtc: CMOS clock at 0x70/0x71 for the KCS timeouts"));
        int lines = kcsSteps.stream().mapToInt(Pending::consoleLines).sum();
        Duration bound = kcs.lastWordsBound().plus(Duration.ofMillis(CONSOLE_LINE_MS).multipliedBy(lines));
        for (int i = 0; i < kcsSteps.size(); i++) {
            Pending p = kcsSteps.get(i);
            steps.add(i == 0
                    ? p.toStep(bound, String.format(Locale.ROOT, "%s; bounds all %d last-words steps: %s deadline + "
                            + "1 s of RTC resolution + %d console lines", p.description(), kcsSteps.size(),
                            seconds(kcs.deadline()), lines))
                    : p.toStep(Duration.ZERO, p.description() + " (shares the last-words deadline)"));
        }
        return List.copyOf(steps);
    }

    /** A last-words KCS step before its worst case is charged. */
    private record Pending(String kind, List<Long> operands, String description, int consoleLines) {
        PurgatoryStep toStep(Duration worstCase, String text) {
            return new PurgatoryStep(kind, PurgatoryStep.FailurePolicy.BEST_EFFORT, worstCase, operands, text);
        }
    }

    // an ipmi-request prints its result and, when it fails, the runtime's "step S failed" line
    private static Pending ipmi(IpmiRequestStep step, ByteOrder order, String description) {
        return new Pending(IpmiRequestStep.KIND, step.operands(order), description, 2);
    }

    private static String seconds(Duration d) {
        return d.toNanos() % 1_000_000_000L == 0 ? d.getSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Return the panic text: the configured one, or the default followed by the command line's head. */
    String panicText(String commandLine) {
        if (options.panicText().isPresent()) {
            return options.panicText().get();
        }
        String ascii = commandLine.strip().replaceAll("[^\\x20-\\x7E]", "?");
        String text = ascii.isEmpty() ? DEFAULT_TEXT : DEFAULT_TEXT + ": " + ascii;
        return text.length() <= LastWordsOptions.MAX_TEXT ? text : text.substring(0, LastWordsOptions.MAX_TEXT);
    }

    private static String piece(String text, int index) {
        int from = index * SelRecords.TEXT_PER_RECORD;
        return text.substring(from, Math.min(text.length(), from + SelRecords.TEXT_PER_RECORD));
    }

    private Optional<Pending> cpuIp(List<CrashNote> notes, Target target, KcsTransport kcs) {
        OptionalLong ip = target.instructionPointerOffset();
        if (ip.isEmpty()) {
            LOG.warn("last words: CPU instruction pointers left out: the platform of ELF machine {} declares no "
                    + "NT_PRSTATUS layout", target.elfMachine());
            return Optional.empty();
        }
        if (notes.isEmpty()) {
            LOG.warn("last words: CPU instruction pointers left out: the machine exports no crash_notes");
            return Optional.empty();
        }
        CpuIpRecordsStep step = CpuIpRecordsStep.of(kcs, options.cpuIpConsole(), options.cpuIpSel(), ip.getAsLong(),
                notes);
        String outputs = options.cpuIpConsole() && options.cpuIpSel() ? "console and SEL"
                : options.cpuIpConsole() ? "console" : "SEL";
        String description = "cpu-ip: " + step.notes().size() + " CPUs' instruction pointers to " + outputs;
        return Optional.of(new Pending(CpuIpRecordsStep.KIND, step.operands(), description, step.consoleLines() + 2));
    }
}
