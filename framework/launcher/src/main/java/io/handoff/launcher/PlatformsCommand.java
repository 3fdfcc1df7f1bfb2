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

    @picocli.CommandLine.Option(names = "--json",
            description = "Print the platforms as JSON (schema handoff-platforms/1, in README).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (HandoffRuntime runtime = HandoffRuntime.start(common, lastWords.overrides())) {
            List<LoadedPlatform> platforms = runtime.registry().platforms();
            LastWordsSteps lastWordsSteps = runtime.lastWords();
            if (json) {
                out.print(io.handoff.core.bundle.Json.write(model(runtime, platforms)));
                return 0;
            }
            out.printf("plugins: %s%n", common.pluginsDir().toAbsolutePath().normalize());
            runtime.registry().firmwarePlugins().forEach((id, contributions) -> out.printf(
                    "firmware plugin: %s (%s), offered to every platform%n", id, ids(contributions)));
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
                assists(out, runtime, p);
            }
        }
        return 0;
    }

    /** The platforms as the JSON of --json: what the text shows, field by field. */
    private java.util.Map<String, Object> model(HandoffRuntime runtime, List<LoadedPlatform> platforms) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("schema", "handoff-platforms/1");
        m.put("plugins", common.pluginsDir().toAbsolutePath().normalize().toString());
        java.util.Map<String, Object> firmware = new java.util.LinkedHashMap<>();
        runtime.registry().firmwarePlugins().forEach((id, contributions) -> firmware.put(id,
                contributions.stream().map(io.handoff.api.spi.Contribution::id).toList()));
        m.put("firmwarePlugins", firmware);
        List<Object> list = new ArrayList<>();
        for (LoadedPlatform p : platforms) {
            java.util.Map<String, Object> e = new java.util.LinkedHashMap<>();
            e.put("id", p.platform().id());
            e.put("version", p.version());
            e.put("plugin", p.pluginId());
            e.put("provider", p.provider());
            e.put("description", p.platform().description());
            e.put("imageFormats", p.platform().imageFormats().stream().map(ImageFormat::id).toList());
            e.put("capabilities", p.platform().capabilities().stream().sorted().toList());
            e.put("memoryMap", p.contributions(MemoryMapPassing.class).stream()
                    .map(io.handoff.api.spi.Contribution::id).toList());
            e.put("dumpFallback", p.contributions(DumpFallback.class).stream()
                    .map(io.handoff.api.spi.Contribution::id).toList());
            e.put("archSteps", p.platform().architectureSteps().kinds().stream().map(k -> k.id()).toList());
            List<String> steps = new ArrayList<>();
            p.contributions(PurgatoryStepContributor.class).forEach(c -> steps.addAll(c.stepNames()));
            e.put("purgatorySteps", steps);
            e.put("hostArchitectures", p.platform().hostArchitectures().stream().sorted().toList());
            e.put("profiles", p.platform().bundledProfiles().stream().map(BundledProfile::name).toList());
            e.put("debianKernel", p.platform().debianKernel().map(k -> k.metaPackage() + ":" + k.architecture())
                    .orElse(null));
            e.put("captureAdds", p.platform().captureFiles());
            java.util.Map<String, Object> assists = new java.util.LinkedHashMap<>();
            for (io.handoff.api.spi.CrashAssist a : runtime.assists()) {
                assists.put(a.id(), a.unavailable(p.platform(), p.contributions(), java.util.Optional.empty())
                        .map(r -> "unavailable: " + r).orElse("available on some machines"));
            }
            e.put("crashAssists", assists);
            list.add(e);
        }
        m.put("platforms", list);
        return m;
    }

    /** Each crash assist: whether the platform can use it at all, then on each of its bundled profiles. */
    private static void assists(PrintWriter out, HandoffRuntime runtime, LoadedPlatform p) {
        List<io.handoff.api.spi.CrashAssist> all = runtime.assists();
        if (all.isEmpty()) {
            out.printf("  crash assists:   none loaded%n");
            return;
        }
        for (io.handoff.api.spi.CrashAssist a : all) {
            java.util.Optional<String> never = a.unavailable(p.platform(), p.contributions(), java.util.Optional.empty());
            if (never.isPresent()) {
                out.printf("  crash assist:    %s: unavailable: %s%n", a.id(), never.get());
                continue;
            }
            out.printf("  crash assist:    %s: %s%n", a.id(), a.summary());
            for (BundledProfile profile : p.platform().bundledProfiles()) {
                java.nio.file.Path dir = Distribution.resolveProfile(java.nio.file.Path.of(profile.name()),
                        runtime.registry());
                java.util.Optional<String> why = a.unavailable(p.platform(), p.contributions(), java.util.Optional.of(
                        new io.handoff.core.system.ProfileMachine(new io.handoff.core.system.DirectorySystemView(dir))));
                out.printf("                   on %s: %s%n", profile.name(), why.map(r -> "unavailable: " + r)
                        .orElse("available"));
            }
        }
    }

    private static String ids(List<? extends io.handoff.api.spi.Contribution> contributions) {
        return contributions.isEmpty() ? "none"
                : contributions.stream().map(io.handoff.api.spi.Contribution::id).collect(Collectors.joining(", "));
    }
}
