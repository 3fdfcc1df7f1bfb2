package io.handoff.launcher;

import io.handoff.core.bundle.BundleWriter;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.system.DirectorySystemView;
import io.handoff.core.system.ProfileMachine;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code handoff plan}: plan a kexec or kdump handoff and write it as a bundle, loading nothing.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Plan a handoff (where each segment goes, the boot data, the digests) and write it as a",
            "bundle directory: manifest.json, segments/, plan.txt, memory-map.svg. Nothing is loaded."})
final class PlanCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    PlanningOptions planning;

    @Mixin
    LastWordsCliOptions lastWords;

    @Spec
    CommandSpec spec;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = {"Machine to plan for: / or a profile directory written by 'handoff capture',",
                "or the name of a bundled profile, as 'handoff platforms' lists them (default: ${DEFAULT-VALUE})."})
    Path root;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Bundle directory to write.")
    Path out;

    @Option(names = "--json", description = "Print manifest.json instead of plan.txt.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        try (HandoffRuntime runtime = HandoffRuntime.start(common, lastWords.overrides())) {
            root = Distribution.resolveProfile(root, runtime.registry());
            ProfileMachine machine = new ProfileMachine(new DirectorySystemView(root));
            planning.applyDefaults(runtime.loadSettings(), machine.view());
            planning.resolveFiles(common.notes(), root, () -> planning.choose(runtime, machine).platform());
            HandoffImage image = planning.plan(runtime, machine);
            StartupProfile.mark("plan");
            Path bundle = BundleWriter.write(image, machine, out);
            StartupProfile.mark("write");
            if (json) {
                stdout.print(Files.readString(bundle.resolve("manifest.json"), StandardCharsets.UTF_8));
            } else {
                stdout.print(Files.readString(bundle.resolve("plan.txt"), StandardCharsets.UTF_8));
                stdout.printf("%nbundle:         %s%n", bundle);
                stdout.printf("memory map:     %s%n", bundle.resolve("memory-map.svg"));
            }
        }
        return 0;
    }
}
