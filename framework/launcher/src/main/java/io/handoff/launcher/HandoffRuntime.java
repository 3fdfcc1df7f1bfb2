package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import io.handoff.api.spi.Platform;
import io.handoff.api.support.ElfIdent;
import io.handoff.core.CoreModule;
import io.handoff.core.config.HandoffConfig;
import io.handoff.core.load.JnaKexecSyscalls;
import io.handoff.core.config.ConfigSettings;
import io.handoff.core.load.KexecSyscalls;
import io.handoff.core.load.LoadLock;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plan.ImageIdentity;
import io.handoff.core.plan.Planner;
import io.handoff.core.plugin.HostPlatform;
import io.handoff.core.plugin.LoadedPlatform;
import io.handoff.core.plugin.PlatformRegistry;
import io.handoff.core.plugin.PluginProblem;
import io.handoff.api.plan.PlanRequest;
import io.handoff.core.system.MachinePaths;
import io.handoff.core.system.ProfileMachine;
import io.handoff.lastwords.LastWordsModule;
import io.handoff.lastwords.LastWordsOptions;
import io.handoff.lastwords.LastWordsSteps;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The framework as one CLI invocation uses it: configuration, plugins, planner; closed at the end.
 */
final class HandoffRuntime implements AutoCloseable {
    private static final Function<HostPlatform, KexecSyscalls> REAL_SYSCALLS =
            host -> JnaKexecSyscalls.create(host.syscallNumbers());
    private static volatile Function<HostPlatform, KexecSyscalls> syscallsFactory = REAL_SYSCALLS;

    private final HandoffConfig config;
    private final PlatformRegistry registry;

    private final PrintWriter err;

    private HandoffRuntime(HandoffConfig config, PlatformRegistry registry, PrintWriter err) {
        this.config = config;
        this.registry = registry;
        this.err = err;
    }

    /** Load configuration and plugins as the options say. */
    static HandoffRuntime start(CommonOptions options) {
        return start(options, Map.of());
    }

    /**
     * Load configuration and plugins as the options say, with more overrides (such as the last-words options)
     * taking precedence over {@code -D}.
     */
    static HandoffRuntime start(CommonOptions options, Map<String, String> more) {
        Map<String, String> overrides = new LinkedHashMap<>(options.overrides);
        overrides.putAll(more);
        HandoffConfig config = options.config != null ? HandoffConfig.load(options.config, overrides)
                : HandoffConfig.load(overrides);
        StartupProfile.mark("config");
        // the framework's root modules: the core, and last words (shared with every platform with port I/O)
        PlatformRegistry registry = PlatformRegistry.load(options.pluginsDir(), config,
                List.of(new CoreModule(config, options.progress()), new LastWordsModule(config.settings(LastWordsOptions.ROOT))));
        try {
            // every module and plugin has declared its keys: a key none declares is a typo
            config.requireKnownKeys();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        StartupProfile.mark("plugins");
        return new HandoffRuntime(config, registry, options.err());
    }

    /** Return the configured last-words settings ({@code handoff.last-words}), key by key, as their text. */
    Map<String, String> lastWordsSettings() {
        ConfigSettings settings = config.settings(LastWordsOptions.ROOT);
        Map<String, String> out = new java.util.TreeMap<>();
        settings.config().root().keySet().forEach(k -> out.put(k, settings.config().getValue(k).unwrapped().toString()));
        return out;
    }

    /** Return the last-words contribution the root injector offers every platform. */
    LastWordsSteps lastWords() {
        return registry.rootInjector().getInstance(LastWordsSteps.class);
    }

    PlatformRegistry registry() {
        return registry;
    }

    /** Return the platform with this id, or the one platform that detects the machine. */
    LoadedPlatform choose(String id, SystemView view) {
        if (id != null) {
            LoadedPlatform chosen = registry.require(id);
            requireSameMachine(chosen.platform(), view);
            return chosen;
        }
        List<LoadedPlatform> matches = registry.platforms().stream().filter(p -> p.platform().detect(view)).toList();
        if (matches.size() == 1) {
            return matches.get(0);
        }
        String known = registry.platforms().stream().map(p -> p.platform().id()).collect(Collectors.joining(", "));
        throw new HandoffException(FailureKind.PLATFORM, matches.isEmpty()
                ? "no loaded platform recognises the machine at " + view.root() + "; pass --platform (loaded: "
                        + (known.isEmpty() ? "none" : known) + ")"
                : "several platforms recognise the machine at " + view.root() + ": "
                        + matches.stream().map(p -> p.platform().id()).collect(Collectors.joining(", "))
                        + "; pass --platform");
    }

    /**
     * Refuse a platform named with {@code --platform} for a machine of another kind: the profile's
     * {@code /proc/kcore} is an ELF core for another {@code e_machine}, or (without one) the platform does not
     * recognise the machine and another loaded platform does.
     */
    private void requireSameMachine(Platform chosen, SystemView view) {
        int want = chosen.elfMachine();
        Optional<Integer> have = ElfIdent.read(view, MachinePaths.KCORE).map(ElfIdent::machine);
        if (have.isPresent()) {
            if (want != 0 && have.get() != want) {
                String owner = registry.platforms().stream().map(LoadedPlatform::platform)
                        .filter(p -> p.elfMachine() == have.get()).map(Platform::id).findFirst()
                        .map(o -> "a " + o + " machine").orElse("a machine no loaded platform plans for");
                throw new HandoffException(FailureKind.PLATFORM, String.format(
                        "--platform %s: the machine at %s is %s (its %s is for ELF machine %d), not a %s machine "
                                + "(ELF machine %d)", chosen.id(), view.root(), owner, MachinePaths.KCORE,
                        have.get(), chosen.id(), want));
            }
            return;
        }
        if (!chosen.detect(view)) {
            List<String> others = registry.platforms().stream().map(LoadedPlatform::platform)
                    .filter(p -> !p.id().equals(chosen.id()) && p.detect(view)).map(Platform::id).toList();
            if (!others.isEmpty()) {
                throw new HandoffException(FailureKind.PLATFORM, String.format(
                        "--platform %s: the machine at %s is a %s machine (platform %s recognises it, %s does not)",
                        chosen.id(), view.root(), String.join(" or ", others), String.join(", ", others),
                        chosen.id()));
            }
        }
    }

    /** Return the loaded platform this host runs natively (by {@code os.arch}), whose kexec calls handoff makes here. */
    HostPlatform host() {
        return HostPlatform.find(registry.platforms(), System.getProperty("os.arch"));
    }

    /** Return the kexec syscalls: the real ones, with the numbers of the host's platform (tests substitute fakes). */
    KexecSyscalls syscalls() {
        HostPlatform host = host();
        return syscallsFactory.apply(host);
    }

    /**
     * Replace how the kexec syscalls are made (tests only; {@code null} restores the real ones).
     *
     * @param factory the syscalls for a host platform
     */
    static void useSyscalls(Function<HostPlatform, KexecSyscalls> factory) {
        syscallsFactory = factory == null ? REAL_SYSCALLS : factory;
    }

    /**
     * Take the load lock ({@code handoff.load.lock-dir}, waiting {@code handoff.load.lock-wait}) that keeps
     * two load, unload or exec commands from running at once.
     */
    LoadLock loadLock() {
        return LoadLock.acquire(stateDir(), config.settings("handoff.load").getDuration("lock-wait"));
    }

    /**
     * Return the state directory ({@code handoff.load.lock-dir}): the load lock, and the records of what is loaded
     * ({@link LoadRecord}).
     */
    Path stateDir() {
        Path dir = Path.of(config.settings("handoff.load").getString("lock-dir"));
        if (dir.equals(LoadLock.DEFAULT_DIRECTORY) && !usable(dir)) {
            // not root: /run is not writable, and the kernel refuses kexec anyway; a private lock still serialises
            dir = Path.of(System.getProperty("java.io.tmpdir"), "handoff-" + System.getProperty("user.name") + "-lock");
        }
        return dir;
    }

    private static boolean usable(Path dir) {
        return Files.isDirectory(dir) ? Files.isWritable(dir)
                : dir.getParent() != null && Files.isWritable(dir.getParent());
    }

    /** Return the settings of {@code handoff.load}: the lock, the assist, and what plan and load take by default. */
    ConfigSettings loadSettings() {
        return config.settings("handoff.load");
    }

    /** Return the crash assist of {@code handoff.load.assist}, empty when it is blank. */
    Optional<String> configuredAssist() {
        String id = config.settings("handoff.load").getString("assist").strip();
        return id.isEmpty() ? Optional.empty() : Optional.of(id);
    }

    /** Return the crash assist {@code id} offered to a platform. */
    io.handoff.api.spi.CrashAssist assist(LoadedPlatform platform, String id) {
        return platform.contributions(io.handoff.api.spi.CrashAssist.class).stream().filter(a -> a.id().equals(id))
                .findFirst().orElseThrow(() -> new HandoffException(FailureKind.NOT_AVAILABLE, "--assist " + id
                        + ": no such crash assist for platform " + platform.id()));
    }

    /** Return every crash assist offered to any loaded platform, one per id, sorted by id. */
    List<io.handoff.api.spi.CrashAssist> assists() {
        java.util.Map<String, io.handoff.api.spi.CrashAssist> byId = new java.util.TreeMap<>();
        registry.platforms().forEach(p -> p.contributions(io.handoff.api.spi.CrashAssist.class)
                .forEach(a -> byId.putIfAbsent(a.id(), a)));
        return List.copyOf(byId.values());
    }

    /** Return the paths the loaded platforms ask {@code handoff capture} to copy, each once, in platform order. */
    List<String> captureFiles() {
        return registry.platforms().stream().flatMap(p -> p.platform().captureFiles().stream()).distinct().toList();
    }

    /**
     * Return the platform whose bundled profile and kernel {@code simulate} uses when the user names neither a
     * platform nor a machine: the only one loaded, else the one this host runs natively.
     */
    Platform defaultPlatform(String id) {
        if (id != null) {
            return registry.require(id).platform();
        }
        List<LoadedPlatform> loaded = registry.platforms();
        return loaded.size() == 1 ? loaded.get(0).platform() : host().platform();
    }

    /** Plan a handoff with the chosen platform. */
    HandoffImage plan(LoadedPlatform platform, ProfileMachine machine, PlanRequest request) {
        Planner planner = registry.rootInjector().getInstance(Planner.class);
        // a kernel of another platform's format is named as such, not judged by this platform's checks
        ImageIdentity.foreign(request.kernel(), platform.platform(),
                registry.platforms().stream().map(LoadedPlatform::platform).toList()).ifPresent(e -> {
                    throw e;
                });
        return planner.plan(platform, machine, request);
    }

    @Override
    public void close() {
        // each plugin that could not be used, once, on one line (PF4J's own log of it is off: LogbackSetup), unless
        // the command's error already said it (a platform that was asked for by name and refused)
        for (PluginProblem problem : registry.unreportedProblems()) {
            err.printf("handoff: plugin %s (%s): %s%n", problem.pluginId(), problem.path(), problem.message());
        }
        err.flush();
        registry.close();
    }
}
