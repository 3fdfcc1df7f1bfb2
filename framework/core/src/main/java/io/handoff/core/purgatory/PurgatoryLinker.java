package io.handoff.core.purgatory;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.Direction;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.Segment;
import io.handoff.api.spi.DumpFallback;
import io.handoff.api.spi.Platform;
import io.handoff.api.spi.PurgatoryStepContributor;
import io.handoff.core.config.PurgatorySettings;
import io.handoff.core.digest.SegmentDigest;
import io.handoff.core.digest.SegmentDigester;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Links a placed purgatory image into a plan, in kexec-tools' order: the program holds the digests of every
 * other segment, so it is built after those are hashed and written into the already placed purgatory
 * segment, which the digests therefore exclude.
 *
 * <p>The main program is, per {@link PurgatoryStepContributor} (in the platform's contribution order): its
 * leading {@code console}/{@code rtc}/{@code print} steps, the {@code console} steps first whichever
 * contributor gave them (a set-up line printed before the UART is programmed is lost); then the framework's
 * {@code verify-digests} (REQUIRED); then every contributor's middle steps; then the one terminal step
 * ({@code jump-*}, {@code halt}, {@code reset}). So the console is up before the digests are checked, and
 * nothing a contributor adds runs before the check except console set-up. The fallback is the first
 * {@link DumpFallback} (by priority, then id) available on the machine.
 *
 * @since 0.1
 */
public final class PurgatoryLinker {
    /** The role of the purgatory segment. */
    public static final String ROLE = "purgatory";
    /** kexec-tools' placement of purgatory: page aligned, at or above 0x3000, top-down. */
    public static final Placement DEFAULT_PLACEMENT = new Placement(4096, 0x3000, Long.MAX_VALUE,
            Direction.TOP_DOWN);

    private static final Logger LOG = LoggerFactory.getLogger(PurgatoryLinker.class);
    private static final Set<GenericStep> SETUP = Set.of(GenericStep.CONSOLE, GenericStep.RTC, GenericStep.PRINT);

    private final SegmentDigester digester;
    private final PurgatorySettings settings;

    /**
     * Create a linker.
     *
     * @param digester hashes the segments (its chunk size goes into the program)
     * @param settings the budget, iteration cap and assumed digest rate
     */
    public PurgatoryLinker(SegmentDigester digester, PurgatorySettings settings) {
        this.digester = digester;
        this.settings = settings;
    }

    /**
     * The outcome of linking.
     *
     * @param purgatory the linked purgatory
     * @param digests one digest per segment of the plan, in the plan's order, purgatory's own included (for
     *     the bundle; the program checks all the others)
     * @param warnings things the user should know about the program
     */
    public record Result(LinkedPurgatory purgatory, List<SegmentDigest> digests, List<String> warnings) {
        public Result {
            digests = List.copyOf(digests);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Build the program, check it against the budget, hash the other segments, write the program into the
     * placed purgatory and hash that last.
     *
     * @param platform the platform (byte order, id)
     * @param context the plan, for the contributors
     * @param placed the placed purgatory
     * @param segments every segment of the plan, validated and sorted, purgatory's included
     * @param assist the chosen crash assist's steps and fallback ({@link AssistSteps#NONE} without one)
     * @return the linked purgatory and all digests
     * @throws HandoffException {@code DOES_NOT_FIT} over the budget or when the program outgrows the
     *     parameter area; {@code PLATFORM} for a program a contributor broke; {@code INTERNAL} for a step the
     *     runtime cannot read
     */
    public Result link(Platform platform, PlanContext context, PlacedPurgatory placed, List<Segment> segments,
                       AssistSteps assist) {
        Segment own = placed.segment();
        List<Segment> others = segments.stream().filter(s -> !(s.mem() == own.mem() && s.role().equals(ROLE)))
                .toList();
        if (others.size() != segments.size() - 1) {
            throw new HandoffException(FailureKind.INTERNAL, String.format(
                    "purgatory: segment at %#x is not among the plan's segments", own.mem()));
        }
        List<String> warnings = new ArrayList<>();
        StepProgram draft = program(platform, context, others, warnings, assist);
        checkBudget(draft);
        // a refusal that needs no hashing comes before the hashing: 32 bytes of SHA-256 per chunk at least
        long chunks = others.stream().mapToLong(s -> (s.bufsz() + digester.chunkSize() - 1) / digester.chunkSize()).sum();
        if (chunks * 32 > placed.image().paramSize()) {
            throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format(
                    "purgatory: %d digest chunks of %d bytes need at least %d bytes but the image's parameter area"
                            + " holds %d; a larger handoff.core.digest-chunk-size makes it smaller",
                    chunks, digester.chunkSize(), chunks * 32, placed.image().paramSize()));
        }
        List<SegmentDigest> otherDigests = digester.digest(others);
        StepProgram program = draft.withDigests(new DigestTable(digester.chunkSize(), otherDigests));
        byte[] area = StepEncoder.encode(program, platform.byteOrder(), settings.iterationCap(),
                new StepKinds(platform.architectureSteps()));
        PurgatoryImage image = placed.image();
        if (area.length > image.paramSize()) {
            throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format(
                    "purgatory: the step program needs %d bytes but the image's parameter area holds %d "
                            + "(%d segments, %d digest chunks; a larger handoff.core.digest-chunk-size makes it smaller)",
                    area.length, image.paramSize(), others.size(), program.digests().orElseThrow().chunkCount()));
        }
        System.arraycopy(area, 0, placed.bytes(), (int) image.paramOffset(), area.length);
        SegmentDigest ownDigest = digester.digest(List.of(own)).get(0);
        List<SegmentDigest> all = new ArrayList<>(segments.size());
        int next = 0;
        for (int i = 0; i < segments.size(); i++) {
            SegmentDigest d = segments.get(i) == own ? ownDigest : otherDigests.get(next++);
            all.add(new SegmentDigest(i, d.role(), d.mem(), d.bufsz(), d.memsz(), d.sha256(), d.chunks(),
                    d.zeroTailOffset(), d.zeroTailLength()));
        }
        long entry = own.mem() + image.entryOffset();
        LOG.debug("linked purgatory at {} (entry {}): {} steps, {} fallback steps, {} bytes of parameters",
                hex(own.mem()), hex(entry), program.steps().size(), program.fallback().size(), area.length);
        return new Result(new LinkedPurgatory(image, own, program, entry, new StepKinds(platform.architectureSteps())),
                all, warnings);
    }

    /** Build the program without digests (they are hashed only once the program fits the budget). */
    StepProgram program(Platform platform, PlanContext context, List<Segment> covered, List<String> warnings,
                        AssistSteps assist) {
        StepKinds kinds = new StepKinds(platform.architectureSteps());
        List<PurgatoryStep> setup = new ArrayList<>();
        List<PurgatoryStep> body = new ArrayList<>();
        List<PurgatoryStep> terminal = new ArrayList<>();
        for (PurgatoryStepContributor contributor : context.contributions(PurgatoryStepContributor.class)) {
            List<PurgatoryStep> steps = contributor.steps(context);
            int first = 0;
            while (first < steps.size() && SETUP.contains(generic(steps.get(first)))) {
                first++;
            }
            int last = steps.size();
            while (last > first && isTerminal(kinds, steps.get(last - 1))) {
                last--;
            }
            for (int i = 0; i < steps.size(); i++) {
                PurgatoryStep s = steps.get(i);
                if (s.kind().equals(GenericStep.VERIFY_DIGESTS.id())) {
                    throw new HandoffException(FailureKind.PLATFORM, String.format(
                            "purgatory step contributor %s: contributes verify-digests, which is the framework's own "
                                    + "step", contributor.id()));
                }
                (i < first ? setup : i < last ? body : terminal).add(s);
            }
        }
        List<PurgatoryStep> main = new ArrayList<>();
        setup.stream().filter(s -> generic(s) == GenericStep.CONSOLE).forEach(main::add);
        setup.stream().filter(s -> generic(s) != GenericStep.CONSOLE).forEach(main::add);
        main.add(verifyDigests(covered));
        main.addAll(body);
        // a crash assist runs after every contributor (backup copy, last words) and before the jump, its fallback
        main.addAll(assist.steps());
        main.addAll(terminal);
        checkTerminal(platform, kinds, main);
        List<PurgatoryStep> fallback = new ArrayList<>();
        fallback.addAll(assist.fallback());
        fallback.addAll(fallback(context));
        checkPorts(main, fallback);
        if (fallback.isEmpty()) {
            warnings.add("platform " + platform.id() + " has no dump fallback: when a required purgatory step fails "
                    + "(a digest mismatch), purgatory stops without running anything else");
        }
        return new StepProgram(main, fallback, Optional.empty());
    }

    /**
     * A crash assist's purgatory steps: run after every contributor's and before the jump; its fallback runs before
     * the platform's dump fallback.
     *
     * @param steps the main program's assist steps
     * @param fallback the assist's fallback steps
     */
    public record AssistSteps(List<PurgatoryStep> steps, List<PurgatoryStep> fallback) {
        /** No crash assist. */
        public static final AssistSteps NONE = new AssistSteps(List.of(), List.of());

        public AssistSteps {
            steps = List.copyOf(steps);
            fallback = List.copyOf(fallback);
        }
    }

    /** The I/O ports a 16550 UART decodes from its base: THR/RBR through the scratch register. */
    static final int UART_PORTS = 8;

    /**
     * Refuse a program whose last words would talk to the serial console: a KCS data or status port (the first two
     * operands of {@code ipmi-request} and {@code cpu-ip-records}) inside a {@code console} step's UART ports.
     */
    static void checkPorts(List<PurgatoryStep> main, List<PurgatoryStep> fallback) {
        List<PurgatoryStep> all = new ArrayList<>(main);
        all.addAll(fallback);
        List<Long> uarts = all.stream().filter(s -> generic(s) == GenericStep.CONSOLE && !s.operands().isEmpty())
                .map(s -> s.operands().get(0)).distinct().toList();
        for (PurgatoryStep s : all) {
            GenericStep kind = generic(s);
            if ((kind != GenericStep.IPMI_REQUEST && kind != GenericStep.CPU_IP_RECORDS) || s.operands().size() < 2) {
                continue;
            }
            for (long uart : uarts) {
                for (long port : s.operands().subList(0, 2)) {
                    if (port >= uart && port < uart + UART_PORTS) {
                        throw new HandoffException(FailureKind.CONFIGURATION, String.format(
                                "handoff.last-words.kcs-ports (--ipmi-kcs-ports): KCS ports %#x,%#x overlap the "
                                        + "serial console's UART at %#x..%#x; the BMC's ports must be others",
                                s.operands().get(0), s.operands().get(1), uart, uart + UART_PORTS - 1));
                    }
                }
            }
        }
    }

    /** Return the framework's own step: check every other segment's chunks and zero tail. */
    PurgatoryStep verifyDigests(List<Segment> covered) {
        long bytes = covered.stream().mapToLong(Segment::memsz).sum();
        long chunks = covered.stream().mapToLong(s -> (s.bufsz() + digester.chunkSize() - 1) / digester.chunkSize())
                .sum();
        // the zero tails are read too, so the whole memsz counts at the assumed rate
        long micros = BigInteger.valueOf(bytes).multiply(BigInteger.valueOf(1_000_000))
                .add(BigInteger.valueOf(settings.digestRate() - 1)).divide(BigInteger.valueOf(settings.digestRate()))
                .longValueExact();
        return new PurgatoryStep(GenericStep.VERIFY_DIGESTS.id(), PurgatoryStep.FailurePolicy.REQUIRED,
                Duration.of(micros, ChronoUnit.MICROS), List.of(), String.format(
                        "verify the SHA-256 of %d chunks and the zero tails of %d segments (%#x bytes at %d bytes/s)",
                        chunks, covered.size(), bytes, settings.digestRate()));
    }

    private void checkBudget(StepProgram program) {
        Duration total = program.worstCase();
        if (total.compareTo(settings.budget()) <= 0) {
            return;
        }
        List<String> bounds = new ArrayList<>();
        program.steps().forEach(s -> bounds.add(s.kind() + " " + seconds(s.worstCase())));
        program.fallback().forEach(s -> bounds.add("fallback " + s.kind() + " " + seconds(s.worstCase())));
        throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format(
                "purgatory program needs at most %s but handoff.purgatory.budget is %s: %s", seconds(total),
                seconds(settings.budget()), String.join(", ", bounds)));
    }

    private static void checkTerminal(Platform platform, StepKinds kinds, List<PurgatoryStep> main) {
        List<Integer> terminals = new ArrayList<>();
        for (int i = 0; i < main.size(); i++) {
            if (isTerminal(kinds, main.get(i))) {
                terminals.add(i);
            }
        }
        if (terminals.isEmpty()) {
            throw new HandoffException(FailureKind.PLATFORM, "purgatory program of platform " + platform.id()
                    + " never hands over: no contributed step jumps, halts or resets (steps: "
                    + main.stream().map(PurgatoryStep::kind).collect(Collectors.joining(", ")) + ")");
        }
        if (terminals.size() > 1 || terminals.get(0) != main.size() - 1) {
            throw new HandoffException(FailureKind.PLATFORM, "purgatory program of platform " + platform.id()
                    + ": a step that never returns must be the last and only one (steps: "
                    + main.stream().map(PurgatoryStep::kind).collect(Collectors.joining(", ")) + ")");
        }
    }

    private static List<PurgatoryStep> fallback(PlanContext context) {
        return context.contributions(DumpFallback.class).stream()
                .sorted(Comparator.comparingInt(DumpFallback::priority).thenComparing(DumpFallback::id))
                .map(f -> f.steps(context.machine()))
                .flatMap(Optional::stream)
                .findFirst()
                .orElse(List.of());
    }

    /** Return the step's generic kind, or {@link GenericStep#VERIFY_DIGESTS} as a stand-in for a platform's kind. */
    private static GenericStep generic(PurgatoryStep step) {
        // verify-digests: never a contributor's (refused below), so no set-up or console filter takes it
        return GenericStep.ofId(step.kind()).orElse(GenericStep.VERIFY_DIGESTS);
    }

    private static boolean isTerminal(StepKinds kinds, PurgatoryStep step) {
        return kinds.byId(step.kind()).map(StepKinds.Kind::terminal).orElse(false);
    }

    /** Return a duration as seconds with up to microsecond precision, such as {@code 0.0125 s}. */
    static String seconds(Duration d) {
        return BigDecimal.valueOf(StepEncoder.micros(d), 6).stripTrailingZeros().toPlainString() + " s";
    }

    private static String hex(long v) {
        return String.format("%#x", v);
    }
}
