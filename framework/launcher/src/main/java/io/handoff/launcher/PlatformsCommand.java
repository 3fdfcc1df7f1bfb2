package io.handoff.launcher;

import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.spi.DumpFallback;
import io.handoff.api.BundledProfile;
import io.handoff.api.ImageFormat;
import io.handoff.api.spi.MemoryMapPassing;
import io.handoff.api.spi.PurgatoryStepContributor;
import io.handoff.core.plugin.LoadedPlatform;
import io.handoff.lastwords.LastWordsSteps;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code handoff platforms}: list the loaded platforms and what each contributes.
 */
@Command(name = "platforms", mixinStandardHelpOptions = true,
        description = "List the loaded platforms: id, version, provider, image formats, contributions.")
final class PlatformsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    LastWordsCliOptions lastWords;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (HandoffRuntime runtime = HandoffRuntime.start(common, lastWords.overrides())) {
            List<LoadedPlatform> platforms = runtime.registry().platforms();
            LastWordsSteps lastWordsSteps = runtime.lastWords();
            out.printf("plugins: %s%n", common.pluginsDir().toAbsolutePath().normalize());
            if (platforms.isEmpty()) {
                out.println("no platforms loaded");
            }
            for (LoadedPlatform p : platforms) {
                out.printf("%n%s  %s  (plugin %s, provider %s)%n", p.platform().id(), p.version(), p.pluginId(),
                        p.provider());
                out.printf("  %s%n", p.platform().description());
                out.printf("  image formats:   %s%n", p.platform().imageFormats().stream().map(ImageFormat::id)
                        .collect(Collectors.joining(", ")));
                out.printf("  capabilities:    %s%n", p.platform().capabilities().isEmpty() ? "none"
                        : String.join(", ", p.platform().capabilities().stream().sorted().toList()));
                out.printf("  memory map:      %s%n", ids(p.contributions(MemoryMapPassing.class)));
                out.printf("  dump fallback:   %s%n", ids(p.contributions(DumpFallback.class)));
                ArchitectureSteps arch = p.platform().architectureSteps();
                out.printf("  arch steps:      %s%n", arch.kinds().isEmpty() ? "none" : arch.kinds().stream()
                        .map(k -> k.id() + " (" + k.code() + (k.terminal() ? ", terminal" : "") + ")")
                        .collect(Collectors.joining(", ")) + " in codes " + arch.codes());
                List<String> steps = new ArrayList<>();
                p.contributions(PurgatoryStepContributor.class).forEach(c -> steps.addAll(c.stepNames()));
                out.printf("  purgatory steps: %s%n", steps.isEmpty()
                        ? "none yet (this build has no purgatory runtime)" : String.join(", ", steps));
                out.printf("  %s%n", lastWordsSteps.describe(p.platform()));
                out.printf("  host (os.arch):  %s%n", p.platform().hostArchitectures().isEmpty() ? "none"
                        : String.join(", ", p.platform().hostArchitectures().stream().sorted().toList()));
                out.printf("  profiles:        %s%n", p.platform().bundledProfiles().isEmpty() ? "none"
                        : p.platform().bundledProfiles().stream().map(BundledProfile::name)
                                .collect(Collectors.joining(", ")) + " (simulate's default: the first)");
                out.printf("  Debian kernel:   %s%n", p.platform().debianKernel()
                        .map(k -> k.metaPackage() + ":" + k.architecture()).orElse("none"));
                out.printf("  capture adds:    %s%n", p.platform().captureFiles().isEmpty() ? "nothing"
                        : String.join(", ", p.platform().captureFiles()));
            }
        }
        return 0;
    }

    private static String ids(List<? extends io.handoff.api.spi.Contribution> contributions) {
        return contributions.isEmpty() ? "none"
                : contributions.stream().map(io.handoff.api.spi.Contribution::id).collect(Collectors.joining(", "));
    }
}
