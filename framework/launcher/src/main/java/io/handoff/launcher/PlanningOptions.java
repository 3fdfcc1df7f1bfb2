package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.spi.Platform;
import io.handoff.core.config.ConfigSettings;
import io.handoff.core.config.Suggestions;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plugin.LoadedPlatform;
import io.handoff.core.system.ProfileMachine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options that say what to plan, shared by {@code plan} and {@code load}.
 */
final class PlanningOptions {
    private static final String MEMMAP = "memmap";

    @Option(names = "--platform", paramLabel = "ID", description = "Platform id (default: the one that detects the machine).")
    String platform;

    @Option(names = "--kernel", paramLabel = "FILE",
            description = {"The kernel image (default: the newest /boot/vmlinuz-* when this host runs the platform,",
                "else the platform's Debian kernel package, downloaded once into ~/.cache/handoff, else the newest",
                "vmlinux* or vmlinuz* in boot/ of the --root profile)."})
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "The initrd to load with it.")
    Path initrd;

    @ArgGroup(exclusive = true)
    CommandLineSource cmdline = new CommandLineSource();

    @Option(names = {"-p", "--crash"}, description = "A kdump load: the capture kernel goes into the crash region.")
    boolean crash;

    @Option(names = "--memmap", paramLabel = "STRATEGY",
            description = "How the capture kernel learns its memory map (the platform's strategies: 'handoff platforms').")
    String memmap;

    @Option(names = {"-O", "--platform-option"}, paramLabel = "KEY=VALUE", description = "A platform-specific option.")
    Map<String, String> platformOptions = new LinkedHashMap<>();

    @Option(names = "--assist", paramLabel = "ID", description = {"With --crash: reach the capture kernel another way than",
        "purgatory's jump, which stays the fallback (efi-warm-reboot: a warm reboot through the firmware;",
        "'handoff platforms' lists them). Default: handoff.load.assist."})
    String assist;

    @Option(names = "--assist-option", paramLabel = "KEY=VALUE",
            description = "An option of the crash assist (efi-warm-reboot: esp=DIR, the EFI system partition's mount point).")
    Map<String, String> assistOptions = new LinkedHashMap<>();

    @Option(names = "--from", paramLabel = "SOURCE",
            description = {"Take kernel, initrd and command line from another loader's settings instead of",
                "handoff.load: kdump-tools (Debian's /etc/default/kdump-tools) or kdump-tools=FILE;",
                "kdump.conf (Fedora's /etc/kdump.conf with /etc/sysconfig/kdump, kdumpctl's built-in values",
                "when the latter does not exist) or kdump.conf=FILE[,SYSCONFIG]."})
    String from;

    /** The crash additions of handoff.load.crash-append, when the command line came from the configuration. */
    private String configuredCrashAppend = "";
    /** The parameters the configuration takes out of its command line (kdumpctl's KDUMP_COMMANDLINE_REMOVE). */
    private Set<String> configuredRemovals = Set.of();
    private boolean cmdlineFromConfig;

    /**
     * Take what the options leave unsaid from {@code handoff.load}: kernel, initrd, and the command line
     * (reuse-cmdline or command-line, plus crash-append for a kdump load), or from the settings --from names.
     * An option given always wins.
     *
     * @param machine the machine planned for, whose /boot and running kernel a kdump.conf source takes
     */
    void applyDefaults(ConfigSettings load, SystemView machine) {
        LoadDefaults d = from != null ? fromOtherLoader(machine)
                : new LoadDefaults(load.getString("kernel"), load.getString("initrd"),
                        load.getBoolean("reuse-cmdline"), load.getString("command-line"),
                        load.getString("crash-append"), List.of());
        if (kernel == null && !d.kernel().isBlank()) {
            kernel = Path.of(d.kernel());
        }
        if (initrd == null && !d.initrd().isBlank()) {
            initrd = Path.of(d.initrd());
        }
        if (cmdline.append == null && !cmdline.reuse) {
            cmdlineFromConfig = true;
            configuredCrashAppend = d.crashAppend().strip();
            configuredRemovals = new LinkedHashSet<>(d.removeParams());
            if (d.reuseCmdline()) {
                cmdline.reuse = true;
            } else {
                cmdline.append = d.commandLine();
            }
        }
    }

    /** Read the settings --from names. */
    private LoadDefaults fromOtherLoader(SystemView machine) {
        if (from.equals("kdump-tools")) {
            return LoadDefaults.fromKdumpTools(LoadDefaults.KDUMP_TOOLS);
        }
        if (from.startsWith("kdump-tools=") && from.length() > "kdump-tools=".length()) {
            return LoadDefaults.fromKdumpTools(Path.of(from.substring("kdump-tools=".length())));
        }
        if (from.equals("kdump.conf")) {
            return LoadDefaults.fromKdumpConf(LoadDefaults.KDUMP_CONF, LoadDefaults.SYSCONFIG_KDUMP, machine);
        }
        if (from.startsWith("kdump.conf=")) {
            // FILE or FILE,SYSCONFIG: a kdump.conf path holds no comma
            String[] files = from.substring("kdump.conf=".length()).split(",", -1);
            if (files.length <= 2 && Arrays.stream(files).noneMatch(String::isEmpty)) {
                return LoadDefaults.fromKdumpConf(Path.of(files[0]),
                        files.length == 2 ? Path.of(files[1]) : LoadDefaults.SYSCONFIG_KDUMP, machine);
            }
        }
        throw new HandoffException(FailureKind.USAGE, "--from " + from + ": not a settings source (kdump-tools,"
                + " kdump-tools=FILE, kdump.conf or kdump.conf=FILE[,SYSCONFIG])");
    }

    /** Where the command line comes from: given, or the running kernel's. */
    static final class CommandLineSource {
        @Option(names = "--append", paramLabel = "CMDLINE", description = "The new kernel's command line.")
        String append;

        @Option(names = "--reuse-cmdline", description = "Reuse the machine's /proc/cmdline.")
        boolean reuse;
    }

    /**
     * Find the kernel when none was given, and check the input files can be read.
     *
     * @param err where to say which kernel was taken
     * @param root the machine planned for, whose boot/ may carry a kernel when it is a profile
     * @param platform the platform the kernel is for, asked only when no kernel was given
     */
    void resolveFiles(PrintWriter err, Path root, Supplier<Platform> platform) {
        if (kernel == null) {
            kernel = KernelLocator.forPlatform(platform.get(), root).find(err);
        }
        InputFiles.requireReadable(kernel, "kernel");
        if (initrd != null) {
            InputFiles.requireReadable(initrd, "initrd");
        }
    }

    /** Return the request these options describe, for a machine (whose command line --reuse-cmdline takes). */
    PlanRequest request(ProfileMachine machine) {
        return request(machine, Optional.empty());
    }

    /** Return the request, with the configured crash assist ({@code handoff.load.assist}) when --assist is absent. */
    PlanRequest request(ProfileMachine machine, Optional<String> configuredAssist) {
        String commandLine = cmdline.reuse ? machine.commandLine() : cmdline.append == null ? "" : cmdline.append;
        String source = cmdline.reuse ? "--reuse-cmdline (" + machine.view().root() + "/proc/cmdline)" : "--append";
        if (cmdlineFromConfig) {
            source = cmdline.reuse ? "handoff.load.reuse-cmdline (" + machine.view().root() + "/proc/cmdline)"
                    : "handoff.load.command-line";
            if (cmdline.reuse) {
                commandLine = withoutCrashkernel(commandLine);
            }
            if (!configuredRemovals.isEmpty()) {
                commandLine = withoutParameters(commandLine, configuredRemovals);
            }
            if (crash && !configuredCrashAppend.isEmpty()) {
                commandLine = commandLine.isBlank() ? configuredCrashAppend
                        : commandLine.strip() + " " + configuredCrashAppend;
            }
        }
        requirePrintable(source, commandLine);
        Map<String, String> options = new LinkedHashMap<>(platformOptions);
        if (memmap != null) {
            options.put(MEMMAP, memmap);
        }
        return new PlanRequest(crash ? PlanRequest.Mode.KDUMP : PlanRequest.Mode.KEXEC, kernel.toAbsolutePath(),
                Optional.ofNullable(initrd).map(Path::toAbsolutePath), commandLine, options,
                Optional.ofNullable(assist).or(() -> crash ? configuredAssist : Optional.empty()));
    }

    /** Return the chosen (or detected) platform. */
    LoadedPlatform choose(HandoffRuntime runtime, ProfileMachine machine) {
        return runtime.choose(platform, machine.view());
    }

    /** Plan with the chosen (or detected) platform. */
    HandoffImage plan(HandoffRuntime runtime, ProfileMachine machine) {
        LoadedPlatform chosen = choose(runtime, machine);
        requireKnownOptions(chosen);
        HandoffImage image = runtime.plan(chosen, machine, request(machine, runtime.configuredAssist()));
        requireKnownAssistOptions(runtime, chosen, image);
        return image;
    }

    /**
     * Refuse an {@code --assist-option KEY=VALUE} without an assist, or whose key the assist does not read.
     *
     * @throws HandoffException {@code USAGE} naming the key and the known ones
     */
    void requireKnownAssistOptions(HandoffRuntime runtime, LoadedPlatform chosen, HandoffImage image) {
        if (assistOptions.isEmpty()) {
            return;
        }
        if (image.assist().isEmpty()) {
            throw new HandoffException(FailureKind.USAGE, "--assist-option " + assistOptions.keySet().iterator().next()
                    + ": no crash assist is planned (--assist ID with --crash)");
        }
        String id = image.assist().get().assist();
        Set<String> known = new TreeSet<>(runtime.assist(chosen, id).armOptions());
        for (String key : assistOptions.keySet()) {
            if (!known.contains(key)) {
                throw new HandoffException(FailureKind.USAGE, "--assist-option " + key + ": not an option of assist "
                        + id + " (it knows " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")"
                        + Suggestions.closest(key, known).map(k -> "; did you mean " + k + "?").orElse(""));
            }
        }
    }

    /**
     * Refuse a {@code -O KEY=VALUE} whose key the platform does not know: the keys of its settings
     * ({@code handoff.platforms.<id>}), and {@code memmap}.
     *
     * @throws HandoffException {@code CONFIGURATION} naming the key and the closest known one
     */
    void requireKnownOptions(LoadedPlatform chosen) {
        Set<String> known = new TreeSet<>(Set.of(MEMMAP));
        if (chosen.settings() instanceof ConfigSettings settings) {
            known.addAll(settings.config().root().keySet());
        }
        for (String key : platformOptions.keySet()) {
            if (!known.contains(key)) {
                throw new HandoffException(FailureKind.CONFIGURATION, "-O " + key + ": not an option of platform "
                        + chosen.platform().id() + " (it knows " + String.join(", ", known) + ")"
                        + Suggestions.closest(key, known).map(k -> "; did you mean " + k + "?").orElse(""));
            }
        }
    }

    /**
     * Refuse a command line holding a control character: the kernel takes one line of text, and such a character
     * would also be echoed raw to the terminal by plan.txt and the console.
     */
    static void requirePrintable(String what, String commandLine) {
        for (int i = 0; i < commandLine.length(); i++) {
            char c = commandLine.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new HandoffException(FailureKind.CONFIGURATION, String.format(
                        "%s: the command line holds control character 0x%02x at offset %d; it must be one line of"
                                + " printable text", what, (int) c, i));
            }
        }
    }

    /** Return a command line without its crashkernel= words. */
    static String withoutCrashkernel(String commandLine) {
        return withoutParameters(commandLine, Set.of("crashkernel"));
    }

    /** Return a command line without the words of these parameters: NAME and NAME=anything. */
    static String withoutParameters(String commandLine, Set<String> names) {
        return String.join(" ", Arrays.stream(commandLine.strip().split(" +"))
                .filter(w -> !names.contains(w.contains("=") ? w.substring(0, w.indexOf('=')) : w)).toList());
    }
}
