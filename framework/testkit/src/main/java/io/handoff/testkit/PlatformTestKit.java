package io.handoff.testkit;

import io.handoff.simulator.Handoff;
import io.handoff.simulator.HostPurgatory;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.Trace;
import io.handoff.simulator.TraceReport;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
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
import io.handoff.simulator.matrix.ScenarioMatrix;
import io.handoff.simulator.matrix.TraceChecks;
import java.nio.file.Path;
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
            Planner planner = registry.rootInjector().getInstance(Planner.class);
            ProfileMachine target = new ProfileMachine(new DirectorySystemView(profile));
            ScenarioMatrix.Subject subject = new ScenarioMatrix.Subject(chosen.platform(), target, kernel,
                    Optional.ofNullable(initrd), commandLine, platformOptions,
                    (s, request) -> planner.plan(chosen, target, request));
            ScenarioMatrix.Outcome outcome = ScenarioMatrix.execute(subject, scenario.definition(), machine,
                    options -> runtime != null
                            ? new ReferenceMachine(runtime, options, chosen.platform().simulator(),
                                    chosen.platform().architectureSteps())
                            : ReferenceMachine.of(chosen.platform(), options));
            return new Execution(scenario, outcome.image(), outcome.trace(), outcome.refusal());
        }
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
            return check(TraceChecks.jumpMatchesPlan(image, trace));
        }

        /** Assert purgatory reported {@code digests ok}. */
        public Execution assertDigestsVerified() {
            return check(TraceChecks.digestsVerified(trace));
        }

        /** Assert a required step failed and the run ended in the fallback, not a jump. */
        public Execution assertFellBack() {
            return check(TraceChecks.fellBack(trace));
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
            return check(TraceChecks.withinBudget(trace));
        }

        /** Assert the run ended as the scenario expects: refused, fallen back, or jumped as planned with digests ok. */
        public Execution assertAsExpected() {
            return check(scenario.definition().judge(image, trace));
        }

        private Execution check(Optional<String> failure) {
            if (failure.isPresent()) {
                throw failure(failure.get());
            }
            return this;
        }

        private AssertionError failure(String what) {
            return new AssertionError(what + "; the run was:\n" + report());
        }
    }
}
