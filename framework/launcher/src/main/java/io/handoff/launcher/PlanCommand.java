package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PlanRequest;
import io.handoff.core.bundle.BundleWriter;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plugin.LoadedPlatform;
import io.handoff.core.system.DirectorySystemView;
import io.handoff.core.system.ProfileMachine;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
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
    LastWordsCliOptions lastWords;

    @Spec
    CommandSpec spec;

    @Option(names = "--platform", paramLabel = "ID", description = "Platform id (default: the one that detects the machine).")
    String platform;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = {"Machine to plan for: / or a profile directory written by 'handoff capture',",
                "or the name of a bundled profile such as qemu-pc-x86_64-1g (default: ${DEFAULT-VALUE})."})
    Path root;

    @Option(names = "--kernel", paramLabel = "FILE",
            description = "The kernel image (default: the newest /boot/vmlinuz-*, else the current Debian kernel, downloaded once into ~/.cache/handoff).")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "The initrd to load with it.")
    Path initrd;

    @ArgGroup(exclusive = true)
    CommandLineSource cmdline = new CommandLineSource();

    @Option(names = {"-p", "--crash"}, description = "Plan a kdump load: the capture kernel goes into the crash region.")
    boolean crash;

    @Option(names = "--memmap", paramLabel = "STRATEGY",
            description = "How the capture kernel learns its memory map (x86_64: e820 or cmdline).")
    String memmap;

    @Option(names = {"-O", "--platform-option"}, paramLabel = "KEY=VALUE", description = "A platform-specific option.")
    Map<String, String> platformOptions = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Bundle directory to write.")
    Path out;

    @Option(names = "--json", description = "Print manifest.json instead of plan.txt.")
    boolean json;

    /** Where the command line comes from: given, or the running kernel's. */
    static final class CommandLineSource {
        @Option(names = "--append", paramLabel = "CMDLINE", description = "The new kernel's command line.")
        String append;

        @Option(names = "--reuse-cmdline", description = "Reuse the machine's /proc/cmdline.")
        boolean reuse;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        Map<String, String> lastWordsOverrides = lastWords.overrides();
        if (kernel == null) {
            kernel = KernelLocator.standard().find(spec.commandLine().getErr());
        }
        requireReadable(kernel, "kernel");
        root = Distribution.resolveProfile(root);
        if (initrd != null) {
            requireReadable(initrd, "initrd");
        }
        try (HandoffRuntime runtime = HandoffRuntime.start(common, lastWordsOverrides)) {
            ProfileMachine machine = new ProfileMachine(new DirectorySystemView(root));
            LoadedPlatform chosen = runtime.choose(platform, machine.view());
            String commandLine = cmdline.reuse ? machine.commandLine()
                    : cmdline.append == null ? "" : cmdline.append;
            Map<String, String> options = new LinkedHashMap<>(platformOptions);
            if (memmap != null) {
                options.put("memmap", memmap);
            }
            PlanRequest request = new PlanRequest(crash ? PlanRequest.Mode.KDUMP : PlanRequest.Mode.KEXEC,
                    kernel.toAbsolutePath(), Optional.ofNullable(initrd).map(Path::toAbsolutePath), commandLine, options);
            HandoffImage image = runtime.plan(chosen, machine, request);
            Path bundle = BundleWriter.write(image, machine, out);
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

    private static void requireReadable(Path file, String what) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE,
                    file + ": cannot read the " + what + (Files.exists(file) ? " (not a readable file)" : " (no such file)"));
        }
    }
}
