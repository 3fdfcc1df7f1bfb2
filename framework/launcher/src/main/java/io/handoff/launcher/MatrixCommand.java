package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.spi.Platform;
import io.handoff.core.plugin.LoadedPlatform;
import io.handoff.core.system.DirectorySystemView;
import io.handoff.core.system.ProfileMachine;
import io.handoff.simulator.matrix.MachineCondition;
import io.handoff.simulator.matrix.MatrixRun;
import io.handoff.simulator.matrix.MatrixScenario;
import io.handoff.simulator.matrix.ScenarioMatrix;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code handoff matrix}: every loaded platform through every scenario on every machine condition, on the
 * reference machine, with a table, JUnit XML and a report; what a vendor's CI runs.
 */
@Command(name = "matrix", mixinStandardHelpOptions = true,
        description = {"Run every loaded platform through every scenario on every machine condition, on the simulated",
            "reference machine.", "",
            "The platforms are those in the plugins directory (a vendor's too, with --plugins); the scenarios a kexec",
            "reboot, a kdump, a corrupted segment, a corrupted zero tail and a budget the plan cannot meet; the",
            "conditions a healthy machine, an RTC stuck in an update, a frozen RTC with a UART that never drains,",
            "and a BMC that answers nothing. Each run is planned through the real framework and judged as the",
            "testkit's scenario suite judges it. Prints a table; with --report writes JUnit XML,",
            "a Markdown and an HTML report with each run's step timeline, and the JSON. Exits 16 when a run",
            "failed. Nothing touches the real machine."})
final class MatrixCommand implements Callable<Integer> {
    /** The exit code when a run did not do what its scenario expects (README, "Exit codes"). */
    static final int RUNS_FAILED = 16;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--platform", paramLabel = "ID", description = "Run only this platform (repeatable; default: every loaded one).")
    List<String> platforms = new ArrayList<>();

    @Option(names = "--scenario", paramLabel = "NAME",
            description = {"Run only this scenario (repeatable): kexec-reboot, kdump, corrupted-segment,",
                "corrupted-zero-tail, budget-exceeded."})
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--condition", paramLabel = "NAME",
            description = {"Run only on this machine condition (repeatable): healthy, rtc-stuck-in-update,",
                "frozen-rtc-and-stuck-uart, silent-bmc."})
    List<String> conditions = new ArrayList<>();

    @Option(names = "--kernel", paramLabel = "ID=FILE",
            description = {"The kernel image for a platform (repeatable; default as for simulate: the host's for its",
                "own platform, else the platform's Debian kernel, else one bundled with its profile)."})
    Map<String, Path> kernels = new LinkedHashMap<>();

    @Option(names = "--initrd", paramLabel = "ID=FILE",
            description = {"The initrd for a platform (repeatable; default: a generated one of 300 KiB and 5 bytes, as",
                "every real kdump loads one: it gives the zero-tail scenario a tail where the kernel has none)."})
    Map<String, Path> initrds = new LinkedHashMap<>();

    @Option(names = "--root", paramLabel = "ID=DIR",
            description = "The machine profile for a platform (repeatable; default: the first profile it ships).")
    Map<String, Path> roots = new LinkedHashMap<>();

    @Option(names = "--append", paramLabel = "CMDLINE", defaultValue = "console=ttyS0",
            description = "The new kernel's command line (default: ${DEFAULT-VALUE}).")
    String append;

    @Option(names = "--report", paramLabel = "DIR",
            description = {"Write junit.xml, report.md, report.html and matrix.json into DIR (created if needed;",
                "those four files are replaced)."})
    Path report;

    @Option(names = "--json", description = "Print the runs as JSON (schema handoff-matrix/1, in README) instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PlanningOptions.requirePrintable("--append", append);
        List<MatrixScenario> chosenScenarios = pick(scenarios, MatrixScenario.values(), MatrixScenario::byId,
                "--scenario", MatrixScenario::id);
        List<MachineCondition> chosenConditions = pick(conditions, MachineCondition.values(), MachineCondition::byId,
                "--condition", MachineCondition::id);
        kernels.forEach((id, file) -> InputFiles.requireReadable(file, "kernel"));
        initrds.forEach((id, file) -> InputFiles.requireReadable(file, "initrd"));
        if (report != null) {
            MatrixReport.prepare(report);
        }
        List<MatrixRun> runs = new ArrayList<>();
        long start = System.nanoTime();
        Map<Map<String, String>, HandoffRuntime> runtimes = new HashMap<>();
        Path generated = null;
        try (HandoffRuntime runtime = HandoffRuntime.start(common)) {
            generated = generatedInitrd();
            runtimes.put(Map.of(), runtime);
            List<LoadedPlatform> loaded = platforms.isEmpty() ? runtime.registry().platforms()
                    : platforms.stream().map(id -> runtime.registry().require(id)).toList();
            if (loaded.isEmpty()) {
                throw new HandoffException(FailureKind.PLATFORM, "no platform plugin in " + common.pluginsDir());
            }
            requireKnown(kernels, loaded, "--kernel");
            requireKnown(initrds, loaded, "--initrd");
            requireKnown(roots, loaded, "--root");
            if (!json) {
                out.printf("handoff matrix: %d platform%s (%s) x %d scenarios x %d machine conditions, on the reference"
                        + " machine%n", loaded.size(), loaded.size() == 1 ? "" : "s",
                        String.join(", ", loaded.stream().map(LoadedPlatform::id).toList()), chosenScenarios.size(),
                        chosenConditions.size());
                out.println(MatrixReport.tableHeader());
                out.flush();
            }
            for (LoadedPlatform platform : loaded) {
                List<MatrixRun> ran = runPlatform(platform, runtime, runtimes, chosenScenarios, chosenConditions,
                        generated);
                if (!json) {
                    ran.forEach(r -> out.println(MatrixReport.tableRow(r)));
                    out.flush();
                }
                runs.addAll(ran);
            }
        } finally {
            runtimes.values().forEach(HandoffRuntime::close);
            deleteQuietly(generated);
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        MatrixReport result = new MatrixReport(runs, wall);
        if (json) {
            out.println(result.json());
        } else {
            out.println(result.summary());
        }
        if (report != null) {
            List<Path> written = result.write(report);
            if (!json) {
                out.println("Report: " + String.join(", ", written.stream().map(Path::toString).toList()));
            }
        }
        out.flush();
        return result.failed() > 0 ? RUNS_FAILED : 0;
    }

    private List<MatrixRun> runPlatform(LoadedPlatform loaded, HandoffRuntime runtime,
                                        Map<Map<String, String>, HandoffRuntime> runtimes,
                                        List<MatrixScenario> chosenScenarios, List<MachineCondition> chosenConditions,
                                        Path generatedInitrd) {
        Platform platform = loaded.platform();
        String id = platform.id();
        ScenarioMatrix.Subject subject;
        try {
            Path root = Distribution.requireProfile(roots.containsKey(id) ? roots.get(id)
                    : Path.of(SimulateCommand.defaultProfile(platform).name()), runtime.registry());
            ProfileMachine machine = new ProfileMachine(new DirectorySystemView(root));
            Path kernel = kernels.containsKey(id) ? kernels.get(id)
                    : KernelLocator.forPlatform(platform, root).find(common.notes());
            InputFiles.requireReadable(kernel, "kernel");
            subject = new ScenarioMatrix.Subject(platform, machine, kernel,
                    Optional.of(initrds.getOrDefault(id, generatedInitrd)), append, Map.of(), (scenario, request) -> {
                        HandoffRuntime planning = runtimes.computeIfAbsent(scenario.settings(),
                                settings -> HandoffRuntime.start(common, settings));
                        return planning.plan(planning.registry().require(id), machine, request);
                    });
        } catch (HandoffException e) {
            // the platform cannot be set up (no kernel, no profile): each of its runs fails with the reason
            return ScenarioMatrix.cells(chosenScenarios, chosenConditions).stream()
                    .map(cell -> MatrixRun.couldNotRun(id, cell, e.getMessage(), Duration.ZERO)).toList();
        }
        return ScenarioMatrix.runAll(subject, chosenScenarios, chosenConditions);
    }

    /** The size of the generated initrd: not a multiple of a page, so its last page has a zero tail. */
    static final int GENERATED_INITRD_SIZE = 300 * 1024 + 5;

    private static Path generatedInitrd() {
        try {
            Path file = Files.createTempFile("handoff-matrix-initrd", ".img");
            Files.write(file, new byte[GENERATED_INITRD_SIZE]);
            return file;
        } catch (java.io.IOException e) {
            throw new HandoffException(FailureKind.OUTPUT, "cannot write the matrix's initrd into "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (java.io.IOException e) {
                // a temporary file left behind costs nothing
            }
        }
    }

    private static void requireKnown(Map<String, Path> byPlatform, List<LoadedPlatform> loaded, String option) {
        for (String id : byPlatform.keySet()) {
            if (loaded.stream().noneMatch(p -> p.id().equals(id))) {
                throw new HandoffException(FailureKind.USAGE, option + " " + id + "=…: no platform " + id
                        + " in this run (" + String.join(", ", loaded.stream().map(LoadedPlatform::id).toList()) + ")");
            }
        }
    }

    private static <T> List<T> pick(List<String> names, T[] all, Function<String, Optional<T>> byId, String option,
                                    Function<T, String> id) {
        if (names.isEmpty()) {
            return List.of(all);
        }
        List<T> picked = new ArrayList<>();
        for (String name : names) {
            T value = byId.apply(name).orElseThrow(() -> new HandoffException(FailureKind.USAGE, option + " " + name
                    + ": expected one of " + String.join(", ", Arrays.stream(all).map(id).toList())));
            if (!picked.contains(value)) {
                picked.add(value);
            }
        }
        // in declaration order, whatever order they were named in
        picked.sort((a, b) -> Arrays.asList(all).indexOf(a) - Arrays.asList(all).indexOf(b));
        return picked;
    }
}
