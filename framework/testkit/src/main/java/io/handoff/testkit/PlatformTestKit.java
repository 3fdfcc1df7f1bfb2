package io.handoff.testkit;

import io.handoff.simulator.Corruption;
import io.handoff.simulator.Handoff;
import io.handoff.simulator.HostPurgatory;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.StepRun;
import io.handoff.simulator.Trace;
import io.handoff.simulator.TraceReport;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Segment;
import io.handoff.core.CoreModule;
import io.handoff.core.config.HandoffConfig;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plan.Planner;
import io.handoff.core.plugin.LoadedPlatform;
import io.handoff.core.plugin.PlatformRegistry;
import io.handoff.core.system.DirectorySystemView;
import io.handoff.core.system.ProfileMachine;
import io.handoff.lastwords.LastWordsModule;
import io.handoff.lastwords.LastWordsOptions;
import io.handoff.simulator.bmc.BmcReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Plans a handoff through the real framework and runs it on the {@link ReferenceMachine}, like JUnit's EngineTestKit.
 *
 * <pre>{@code
 * PlatformTestKit.Execution run = PlatformTestKit.platform("x86_64")
 *         .pluginsDir(plugins).profile(profile).kernel(vmlinuz).initrd(initrd)
 *         .scenario(Scenario.KDUMP).execute();
 * run.assertDigestsVerified().assertJumpMatchesPlan();
 * }</pre>
 *
 * <p>Planning is what {@code handoff plan} does: plugins from a directory through {@link PlatformRegistry}
 * (PF4J and Guice, with the framework's core and last-words modules), the machine from a profile directory, the
 * {@link Planner} from the root injector. For a crash scenario on a platform with port I/O the machine's CPUs
 * save NT_PRSTATUS notes at the crash with instruction pointers in the kernel text, unless the machine options
 * name others ({@link ReferenceMachine.Options#crashNotesFor}). A planner refusal is not an exception here but
 * the execution's outcome ({@link Handoff.Refused} with the failure's exit code), so scenarios that expect one
 * can assert it.
 *
 * @since 0.1
 */
public final class PlatformTestKit {
    private final String platformId;
    private Path pluginsDir;
    private Path profile;
    private Path kernel;
    private Path initrd;
    private String commandLine = "console=ttyS0";
    private Scenario scenario = Scenario.KDUMP;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<String, String> platformOptions = new LinkedHashMap<>();
    private ReferenceMachine.Options machine = ReferenceMachine.Options.defaults();
    private HostPurgatory runtime;

    private PlatformTestKit(String platformId) {
        this.platformId = Objects.requireNonNull(platformId, "platformId");
    }

    /** Start with the platform of this id. */
    public static PlatformTestKit platform(String id) {
        return new PlatformTestKit(id);
    }

    /** Set the directory the plugin jars are loaded from. */
    public PlatformTestKit pluginsDir(Path dir) {
        this.pluginsDir = dir;
        return this;
    }

    /** Set the machine profile directory (as written by {@code handoff capture}). */
    public PlatformTestKit profile(Path dir) {
        this.profile = dir;
        return this;
    }

    /** Set the kernel image. */
    public PlatformTestKit kernel(Path file) {
        this.kernel = file;
        return this;
    }

    /** Set the initrd. */
    public PlatformTestKit initrd(Path file) {
        this.initrd = file;
        return this;
    }

    /** Set the new kernel's command line (default {@code console=ttyS0}). */
    public PlatformTestKit commandLine(String value) {
        this.commandLine = Objects.requireNonNull(value, "value");
        return this;
    }

    /** Set the scenario (default {@link Scenario#KDUMP}). */
    public PlatformTestKit scenario(Scenario value) {
        this.scenario = Objects.requireNonNull(value, "value");
        return this;
    }

    /** Override one configuration value by its full path, as {@code -D PATH=VALUE} does. */
    public PlatformTestKit set(String path, String value) {
        settings.put(path, value);
        return this;
    }

    /** Pass a platform option, as {@code -O KEY=VALUE} does. */
    public PlatformTestKit option(String key, String value) {
        platformOptions.put(key, value);
        return this;
    }

    /** Set the machine's devices and injected faults (the scenario's corruption is added to them). */
    public PlatformTestKit machine(ReferenceMachine.Options value) {
        this.machine = Objects.requireNonNull(value, "value");
        return this;
    }

    /** Run this purgatory host build instead of the platform's own ({@link ReferenceMachine#of}). */
    public PlatformTestKit runtime(HostPurgatory value) {
        this.runtime = value;
        return this;
    }

    /**
     * Plan and run.
     *
     * @return the plan (unless refused) and the trace
     * @throws HandoffException for a setup problem (no plugins directory, unknown platform, no runtime)
     */
    public Execution execute() {
        Objects.requireNonNull(pluginsDir, "pluginsDir");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(kernel, "kernel");
        Map<String, String> overrides = new LinkedHashMap<>(scenario.settings());
        overrides.putAll(settings);
        HandoffConfig config = HandoffConfig.withoutFile(overrides);
        try (PlatformRegistry registry = PlatformRegistry.load(pluginsDir, config, List.of(new CoreModule(config),
                new LastWordsModule(config.settings(LastWordsOptions.ROOT))))) {
            LoadedPlatform chosen = registry.require(platformId);
            ProfileMachine target = new ProfileMachine(new DirectorySystemView(profile));
            PlanRequest request = new PlanRequest(scenario.mode(), kernel.toAbsolutePath(),
                    Optional.ofNullable(initrd).map(Path::toAbsolutePath), commandLine, platformOptions);
            Planner planner = registry.rootInjector().getInstance(Planner.class);
            HandoffImage image;
            try {
                image = planner.plan(chosen, target, request);
            } catch (HandoffException e) {
                Trace refused = new Trace(Optional.empty(), List.of(), "", List.of(),
                        new Handoff.Refused(e.kind().exitCode(), e.getMessage()), Duration.ZERO,
                        List.of("the planner refused the plan (" + e.kind() + "): " + e.getMessage()));
                return new Execution(scenario, Optional.empty(), refused, Optional.of(e.kind()));
            }
            ReferenceMachine.Options options = withScenarioFault(image)
                    .crashNotesFor(target, request, chosen.platform());
            ReferenceMachine machine = runtime != null
                    ? new ReferenceMachine(runtime, options, chosen.platform().simulator(),
                            chosen.platform().architectureSteps())
                    : ReferenceMachine.of(chosen.platform(), options);
            return new Execution(scenario, Optional.of(image), machine.run(image),
                    Optional.empty());
        }
    }

    private ReferenceMachine.Options withScenarioFault(HandoffImage image) {
        if (scenario == Scenario.CORRUPTED_SEGMENT) {
            Segment k = kernelSegment(image, s -> s.bufsz() > Scenario.CORRUPTED_DATA_OFFSET);
            return machine.corrupt(new Corruption(k.role(), Scenario.CORRUPTED_DATA_OFFSET));
        }
        if (scenario == Scenario.CORRUPTED_ZERO_TAIL) {
            Segment k = kernelSegment(image, s -> s.memsz() > s.bufsz());
            return machine.corrupt(new Corruption(k.role(), k.bufsz()));
        }
        return machine;
    }

    private static Segment kernelSegment(HandoffImage image, java.util.function.Predicate<Segment> fits) {
        return image.segments().stream().filter(s -> s.role().equals("kernel")).filter(fits).findFirst()
                .or(() -> image.segments().stream().filter(s -> !s.role().equals(ReferenceMachine.PURGATORY_ROLE))
                        .filter(fits).findFirst())
                .orElseThrow(() -> new HandoffException(FailureKind.USAGE,
                        "no segment of the plan can take this scenario's corruption"));
    }

    /**
     * The result of {@link #execute()}: the plan, the trace, and assertions that print the trace on failure.
     *
     * @param scenario the scenario run
     * @param image the plan; empty when the planner refused it
     * @param trace the run (for a refusal: no steps, the {@link Handoff.Refused} outcome)
     * @param refusal the planner's failure kind, when it refused
     */
    public record Execution(Scenario scenario, Optional<HandoffImage> image, Trace trace,
                            Optional<FailureKind> refusal) {
        /** Return the trace rendered as the {@code handoff simulate} report. */
        public String report() {
            return String.join("\n", TraceReport.render(image, trace));
        }

        /** Return the jump, failing when the run did not end in one. */
        public Handoff.Jumped jumped() {
            if (trace.handoff() instanceof Handoff.Jumped j) {
                return j;
            }
            throw failure("expected a jump into the new kernel");
        }

        /** Assert the run jumped with every register the platform planned, by the platform's register names. */
        public Execution assertJumpMatchesPlan() {
            Handoff.Jumped j = jumped();
            HandoffImage plan = image.orElseThrow(() -> failure("no plan"));
            for (var entry : plan.plan().registers().entrySet()) {
                String reg = entry.getKey();
                Long planned = entry.getValue();
                if (!j.registers().containsKey(reg)) {
                    throw failure(String.format("the plan sets %s but the jump has no such register (%s)", reg,
                            j.registers().keySet()));
                }
                if (planned.longValue() != j.register(reg)) {
                    throw failure(String.format("%s is %#x at the jump but the plan says %#x", reg, j.register(reg),
                            planned));
                }
            }
            return this;
        }

        /** Assert purgatory reported {@code digests ok}. */
        public Execution assertDigestsVerified() {
            // contains, not startsWith: a print step's text without a newline shares the runtime's line
            // without a console (s390) the check passed when the run went past it to the jump
            boolean silentlyOk = trace.consoleLines().isEmpty() && trace.handoff() instanceof Handoff.Jumped
                    && trace.mainSteps().stream().anyMatch(r -> r.step().kind() == 3
                            && r.outcome() == StepRun.Outcome.COMPLETED);
            if (!silentlyOk && trace.lines().stream().noneMatch(l -> l.contains("purgatory: digests ok"))) {
                throw failure("expected \"purgatory: digests ok\" on the console");
            }
            return this;
        }

        /** Assert a required step failed and the run ended in the fallback, not a jump. */
        public Execution assertFellBack() {
            // without a console (s390) the fallback shows in the step that handed off
            boolean fallbackHandedOff = trace.fallbackSteps().stream()
                    .anyMatch(r -> r.outcome() == StepRun.Outcome.HANDED_OFF);
            if (trace.handoff() instanceof Handoff.Jumped || trace.handoff() instanceof Handoff.Refused
                    || trace.handoff() instanceof Handoff.ProbeFailed
                    || trace.lines().stream().noneMatch(l -> l.contains("; running fallback")) && !fallbackHandedOff) {
                throw failure("expected a failed required step and the fallback");
            }
            return this;
        }

        /** Return what the BMC recorded, failing when nothing ran on a machine. */
        public BmcReport bmc() {
            return trace.bmc().orElseThrow(() -> failure("no BMC report: nothing ran on a machine"));
        }

        /** Assert some console line contains this text. */
        public Execution assertConsoleContains(String text) {
            if (trace.lines().stream().noneMatch(l -> l.contains(text))) {
                throw failure("expected a console line containing \"" + text + "\"");
            }
            return this;
        }

        /** Assert the console shows this line (exactly). */
        public Execution assertConsoleLine(String line) {
            if (!trace.lines().contains(line)) {
                throw failure("expected the console line \"" + line + "\"");
            }
            return this;
        }

        /** Assert the planner refused with this kind. */
        public Execution assertRefused(FailureKind kind) {
            if (refusal.isEmpty() || refusal.get() != kind) {
                throw failure("expected the planner to refuse with " + kind);
            }
            return this;
        }

        /** Assert the run took no more virtual time than the planner's budget. */
        public Execution assertWithinBudget() {
            Duration budget = trace.budget().orElseThrow(() -> failure("no program, hence no budget"));
            if (trace.total().compareTo(budget) > 0) {
                throw failure("the run took " + trace.total() + ", over its budget " + budget);
            }
            return this;
        }

        /** Assert the run ended as the scenario expects: refused, fallen back, or jumped as planned with digests ok. */
        public Execution assertAsExpected() {
            if (scenario.expectedRefusal().isPresent()) {
                return assertRefused(scenario.expectedRefusal().get());
            }
            if (scenario.expectsFallback()) {
                return assertFellBack().assertWithinBudget();
            }
            return assertDigestsVerified().assertJumpMatchesPlan().assertWithinBudget();
        }

        private AssertionError failure(String what) {
            return new AssertionError(what + "; the run was:\n" + report());
        }
    }
}
