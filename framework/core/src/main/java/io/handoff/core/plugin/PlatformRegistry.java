package io.handoff.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.spi.Message;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.handoff.api.spi.Contribution;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.arch.StepCodeRange;
import io.handoff.core.purgatory.GenericStep;
import io.handoff.api.spi.Platform;
import io.handoff.core.config.ConfigSettings;
import io.handoff.core.config.HandoffConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platforms of the plugins in a directory, loaded with PF4J and wired with Guice.
 *
 * <p>One root injector ({@code Stage.PRODUCTION}) is built from the framework modules; its unqualified
 * {@code Set<Contribution>} holds the shared contributions offered to every platform. Each started plugin
 * gets one child injector that binds the plugin's {@link io.handoff.api.Settings}, every extension class
 * explicitly (a singleton per child) and {@link PluginContributions @PluginContributions} sets of its
 * contributions. Extensions are created through a PF4J {@code ExtensionFactory} routed to that child.
 *
 * <p>Rules, each refusing only the offending plugin (reported in {@link #problems()}, unloaded; the
 * others still load):
 * <ul>
 *   <li>a plugin provides exactly one {@link Platform}; contributions alone are "no platform";</li>
 *   <li>the ids {@code x86_64}, {@code s390x}, {@code ia64} and {@code efi} are reserved: the platform
 *     class must be in package {@code io.handoff.platforms.<id>} and the plugin's provider must be
 *     {@code handoff project};</li>
 *   <li>plugins load in the order of their jars' file names; when two provide the same platform id the
 *     first keeps it and the later one is refused (refusing both would take a working platform away
 *     because of an unrelated jar);</li>
 *   <li>a plugin's {@code reference.conf} (read from its own jar only) may define defaults only under
 *     {@code handoff.platforms.<its id>}; its settings are validated against it when it loads.</li>
 * </ul>
 *
 * @since 0.1
 */
public final class PlatformRegistry implements AutoCloseable {
    /** The platform ids only the built-in plugins may use. */
    public static final Set<String> RESERVED_IDS = Set.of("x86_64", "s390x", "ia64", "efi");
    /** The {@code Plugin-Provider} of the built-in plugins. */
    public static final String BUILT_IN_PROVIDER = "handoff project";
    /** The package prefix of the built-in platforms' classes, followed by the platform id. */
    public static final String BUILT_IN_PACKAGE = "io.handoff.platforms.";

    private static final Logger LOG = LoggerFactory.getLogger(PlatformRegistry.class);
    // ids become config path elements and file names, so keep them to a safe alphabet
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Key<Set<Contribution>> SHARED = Key.get(new TypeLiteral<Set<Contribution>>() { });
    private static final Key<Set<Contribution>> OWN =
            Key.get(new TypeLiteral<Set<Contribution>>() { }, PluginContributions.class);

    private final Path pluginsDir;
    private final HandoffConfig config;
    private final Injector root;
    private final HandoffPluginManager manager;
    private final Map<String, LoadedPlatform> platforms = new TreeMap<>();
    private final Map<String, Path> platformPaths = new TreeMap<>();
    private final Map<String, HandoffException> refused = new TreeMap<>();
    private final Set<String> refusalsThrown = ConcurrentHashMap.newKeySet();
    private final List<PluginProblem> problems = new ArrayList<>();
    private List<Contribution> shared = List.of();
    private final Map<String, List<Contribution>> firmware = new LinkedHashMap<>();
    private boolean closed;

    private PlatformRegistry(Path pluginsDir, HandoffConfig config, Injector root) {
        this.pluginsDir = pluginsDir;
        this.config = config;
        this.root = root;
        this.manager = new HandoffPluginManager(pluginsDir, root);
        String version = PlatformRegistry.class.getPackage().getImplementationVersion();
        if (version != null) {
            // Plugin-Requires is checked against the release part: 0.2.0-SNAPSHOT satisfies >=0.2.0
            manager.setSystemVersion(version.replaceFirst("-.*$", ""));
        }
    }

    /**
     * Load the jar plugins of a directory and wire their platforms.
     *
     * @param pluginsDir the directory holding the plugin jars, never {@code null}
     * @param config the layered configuration the plugins' settings are merged under, never {@code null}
     * @param frameworkModules the modules of the root injector; may bind shared contributions with
     *     {@code Multibinder<Contribution>}, never {@code null}
     * @return the registry; plugins that could not be used are in {@link #problems()}
     * @throws HandoffException UNREADABLE_FILE when the directory does not exist, INTERNAL when the
     *     framework modules cannot be wired
     */
    public static PlatformRegistry load(Path pluginsDir, HandoffConfig config, List<Module> frameworkModules) {
        Objects.requireNonNull(pluginsDir, "pluginsDir");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(frameworkModules, "frameworkModules");
        if (!Files.isDirectory(pluginsDir)) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, pluginsDir + ": plugins directory does not exist");
        }
        List<Module> modules = new ArrayList<>(frameworkModules);
        modules.add(new SharedContributionsModule());
        Injector root;
        try {
            root = Guice.createInjector(Stage.PRODUCTION, modules);
        } catch (CreationException e) {
            throw new HandoffException(FailureKind.INTERNAL,
                    "framework modules cannot be wired: " + firstLine(e.getErrorMessages()), e);
        }
        PlatformRegistry registry = new PlatformRegistry(pluginsDir, config, root);
        try {
            registry.loadAll();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** Return the loaded platforms, sorted by id. */
    public List<LoadedPlatform> platforms() {
        return List.copyOf(platforms.values());
    }

    /** Return the platform with this id, if loaded. */
    public Optional<LoadedPlatform> find(String id) {
        return Optional.ofNullable(platforms.get(id));
    }

    /**
     * Return the jar of the plugin that provides the platform with this id, if loaded (its bundled profiles are read
     * from it).
     *
     * @param id the platform id, never {@code null}
     * @return the plugin's path, as PF4J loaded it
     */
    public Optional<Path> pluginPath(String id) {
        Objects.requireNonNull(id, "id");
        return Optional.ofNullable(platformPaths.get(id));
    }

    /**
     * Return the platform with this id.
     *
     * @param id the platform id, never {@code null}
     * @return the loaded platform
     * @throws HandoffException PLATFORM naming the known ids when no plugin provides it, or the kind of
     *     the refusal (CONFIGURATION for a bad setting) when its plugin was refused
     */
    public LoadedPlatform require(String id) {
        Objects.requireNonNull(id, "id");
        LoadedPlatform platform = platforms.get(id);
        if (platform != null) {
            return platform;
        }
        HandoffException refusal = refused.get(id);
        if (refusal != null) {
            refusalsThrown.add(refusal.getMessage());
            throw new HandoffException(refusal.kind(), "platform '" + id + "' is not available: " + refusal.getMessage(),
                    refusal);
        }
        String known = platforms.isEmpty()
                ? "none (no plugin in " + pluginsDir + " provides one)"
                : String.join(", ", platforms.keySet());
        throw new HandoffException(FailureKind.PLATFORM, "unknown platform '" + id + "'; known platforms: " + known);
    }

    /**
     * Return the problems a caller still has to report: those not already told by the exception {@link #require}
     * threw for a refused platform (whose message carries the problem's).
     *
     * @return the problems in load order, less those already thrown
     */
    public List<PluginProblem> unreportedProblems() {
        return problems.stream().filter(p -> !refusalsThrown.contains(p.message())).toList();
    }

    /** Return the plugins that were refused or could not be loaded, in load order. */
    public List<PluginProblem> problems() {
        return List.copyOf(problems);
    }

    /** Return the root injector built from the framework modules. */
    public Injector rootInjector() {
        return root;
    }

    /** Stop and unload every plugin; the registry is empty afterwards. Calling it again does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        platforms.clear();
        platformPaths.clear();
        manager.clearChildren();
        try {
            // unloadPlugins stops each plugin first; PF4J 3.15.0's stopPlugins() removes from the list it
            // iterates and fails with a ConcurrentModificationException
            manager.unloadPlugins();
        } catch (RuntimeException e) {
            LOG.warn("Plugins of {} did not unload cleanly", pluginsDir, e);
        }
    }

    private void loadAll() {
        List<Path> paths = new ArrayList<>(manager.pluginPaths());
        paths.sort(Comparator.comparing(path -> path.getFileName().toString()));
        Map<String, Path> loaded = new LinkedHashMap<>();
        for (Path path : paths) {
            try {
                PluginWrapper plugin = manager.load(path);
                if (plugin == null) {
                    problem(fileId(path), path, "plugin " + path.getFileName() + " cannot be unpacked");
                } else {
                    loaded.put(plugin.getPluginId(), path);
                }
            } catch (RuntimeException | LinkageError e) {
                problem(fileId(path), path, "plugin " + path.getFileName() + " cannot be loaded: " + describe(e));
            }
        }
        try {
            manager.resolve();
        } catch (RuntimeException e) {
            // a dependency cycle: nothing can be resolved
            loaded.forEach((id, path) -> problem(id, path,
                    label(id, path) + " cannot be resolved: " + describe(e)));
            manager.unloadPlugins();
            return;
        }
        // one instance of each shared contribution for all platforms, whatever scope its module chose
        shared = List.copyOf(root.getInstance(SHARED));
        loaded.forEach(this::start);
        offerFirmwareContributions();
    }

    /** Offer every firmware plugin's contributions to the platforms they apply to, whatever the load order. */
    private void offerFirmwareContributions() {
        if (firmware.isEmpty()) {
            return;
        }
        for (Map.Entry<String, LoadedPlatform> e : platforms.entrySet()) {
            LoadedPlatform p = e.getValue();
            List<Contribution> offered = new ArrayList<>(p.contributions());
            firmware.values().stream().flatMap(List::stream).filter(c -> c.appliesTo(p.platform()))
                    .forEach(offered::add);
            offered.sort(Comparator.comparing(Contribution::id));
            e.setValue(new LoadedPlatform(p.platform(), p.pluginId(), p.version(), p.provider(), p.settings(), offered));
        }
    }

    /**
     * Return the firmware plugins (plugins without a platform whose contributions are offered to every platform):
     * plugin id → its contributions, sorted by id.
     */
    public Map<String, List<Contribution>> firmwarePlugins() {
        return java.util.Collections.unmodifiableMap(firmware);
    }

    private void start(String pluginId, Path path) {
        String label = label(pluginId, path);
        PluginWrapper plugin = manager.getPlugin(pluginId);
        if (plugin == null) {
            problem(pluginId, path, label + " has unmet plugin dependencies (Plugin-Dependencies) and was unloaded");
            return;
        }
        if (plugin.getPluginState() == PluginState.DISABLED) {
            if (plugin.getFailedException() != null) {
                problem(pluginId, path, label + " requires handoff " + plugin.getDescriptor().getRequires()
                        + " but this is " + manager.getSystemVersion());
            } else {
                LOG.info("Plugin {} is disabled", label);
            }
            return;
        }
        if (manager.startPlugin(pluginId) != PluginState.STARTED) {
            problem(pluginId, path, label + " cannot be started: " + startFailure(plugin));
            unload(pluginId);
            return;
        }
        try {
            wire(plugin, label);
        } catch (Refusal e) {
            refuse(plugin, e.getMessage(), e.platformId, e.kind);
        } catch (RuntimeException | LinkageError e) {
            refuse(plugin, label + " cannot be wired: " + describe(e), null, FailureKind.PLATFORM);
        }
    }

    private void wire(PluginWrapper plugin, String label) {
        String pluginId = plugin.getPluginId();
        ClassLoader loader = plugin.getPluginClassLoader();
        List<Class<?>> extensions = extensionClasses(plugin, label);

        Config reference;
        Set<String> namespaces;
        try {
            reference = PluginReference.read(loader);
            namespaces = PluginReference.namespaces(reference);
        } catch (HandoffException e) {
            throw new Refusal(e.kind(), null, label + ": " + e.getMessage());
        }
        if (namespaces.size() > 1) {
            throw new Refusal(FailureKind.PLATFORM, null, label + " ships defaults for several platforms ("
                    + String.join(", ", namespaces) + ") in its reference.conf; a plugin configures only its own platform");
        }
        String declared = namespaces.isEmpty() ? null : namespaces.iterator().next();
        PluginSettings pluginSettings = new PluginSettings(label);
        ConfigSettings settings = null;
        if (declared != null) {
            // validated before any plugin code runs
            settings = platformSettings(declared, reference, label);
            pluginSettings.bind(settings);
        }

        Injector child;
        try {
            child = root.createChildInjector(new PluginModule(pluginSettings, extensions));
        } catch (CreationException e) {
            throw new Refusal(FailureKind.PLATFORM, declared,
                    label + ": extensions cannot be bound: " + firstLine(e.getErrorMessages()));
        }
        manager.child(pluginId, child);
        for (Class<?> extension : extensions) {
            try {
                manager.getExtensionFactory().create(extension);
            } catch (RuntimeException | LinkageError e) {
                throw new Refusal(FailureKind.PLATFORM, declared,
                        label + ": extension " + extension.getName() + " cannot be created: " + describe(e));
            }
        }

        // through PF4J's finder and the Guice extension factory: the child's singletons
        List<Platform> provided = manager.getExtensions(Platform.class, pluginId);
        if (provided.isEmpty() && !child.getInstance(OWN).isEmpty()) {
            // a firmware plugin: no platform of its own; its contributions are offered to every platform
            if (RESERVED_IDS.contains(pluginId) && !BUILT_IN_PROVIDER.equals(plugin.getDescriptor().getProvider())) {
                throw new Refusal(FailureKind.PLATFORM, null, label + " uses the reserved plugin id '" + pluginId
                        + "' but its provider is not " + BUILT_IN_PROVIDER);
            }
            List<Contribution> own = new ArrayList<>(child.getInstance(OWN));
            own.sort(Comparator.comparing(Contribution::id));
            firmware.put(pluginId, own);
            LOG.info("Loaded firmware plugin {} {} ({}): {}", pluginId, plugin.getDescriptor().getVersion(),
                    plugin.getPluginPath(), own.stream().map(Contribution::id).toList());
            return;
        }
        if (provided.isEmpty()) {
            throw new Refusal(FailureKind.PLATFORM, declared, label + " provides no platform and no contribution");
        }
        if (provided.size() > 1) {
            String ids = provided.stream().map(p -> p.getClass().getName()).sorted().collect(Collectors.joining(", "));
            throw new Refusal(FailureKind.PLATFORM, declared,
                    label + " provides several platforms (" + ids + "); a plugin provides exactly one");
        }
        Platform platform = provided.get(0);
        String id = platform.id();
        if (id == null || !ID.matcher(id).matches()) {
            throw new Refusal(FailureKind.PLATFORM, null, label + " provides a platform with the invalid id '" + id
                    + "' (lower-case letters, digits, '_' and '-')");
        }
        if (declared != null && !declared.equals(id)) {
            throw new Refusal(FailureKind.PLATFORM, declared, label + " ships defaults for handoff.platforms." + declared
                    + " but its platform id is '" + id + "'");
        }
        checkReserved(id, platform, plugin, label);
        checkStepCodes(id, platform, label);
        LoadedPlatform first = platforms.get(id);
        if (first != null) {
            throw new Refusal(FailureKind.PLATFORM, id, "platform id '" + id + "' is provided by both "
                    + label(first.pluginId(), platformPaths.get(id)) + " and " + label
                    + "; plugin " + pluginId + " is refused (the first jar by file name wins)");
        }
        if (settings == null) {
            settings = platformSettings(id, ConfigFactory.empty(), label);
            pluginSettings.bind(settings);
        }

        List<Contribution> offered = new ArrayList<>(child.getInstance(OWN));
        for (Contribution contribution : shared) {
            if (contribution.appliesTo(platform)) {
                offered.add(contribution);
            }
        }
        offered.sort(Comparator.comparing(Contribution::id));
        LoadedPlatform loaded = new LoadedPlatform(platform, pluginId, plugin.getDescriptor().getVersion(),
                Objects.requireNonNullElse(plugin.getDescriptor().getProvider(), ""), settings, offered);
        platforms.put(id, loaded);
        platformPaths.put(id, plugin.getPluginPath());
        LOG.info("Loaded platform '{}' from plugin {} {} ({})", id, pluginId, loaded.version(), plugin.getPluginPath());
    }

    private static String startFailure(PluginWrapper plugin) {
        String pluginClass = plugin.getDescriptor().getPluginClass();
        if (pluginClass != null && !pluginClass.isBlank() && !pluginClass.equals("org.pf4j.Plugin")) {
            // PF4J's plugin factory logs a missing Plugin-Class and returns null; find the reason again
            try {
                Class.forName(pluginClass, false, plugin.getPluginClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                return "Plugin-Class " + pluginClass + " cannot be loaded: " + describe(e);
            }
        }
        return describe(plugin.getFailedException());
    }

    private List<Class<?>> extensionClasses(PluginWrapper plugin, String label) {
        ClassLoader loader = plugin.getPluginClassLoader();
        List<Class<?>> result = new ArrayList<>();
        for (String name : new TreeSet<>(manager.getExtensionClassNames(plugin.getPluginId()))) {
            Class<?> extension;
            try {
                extension = Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new Refusal(FailureKind.PLATFORM, null,
                        label + ": extension class " + name + " cannot be loaded: " + describe(e));
            }
            if (extension.getClassLoader() != loader) {
                // PF4J falls back to the application's extensions.idx when a plugin has none
                LOG.debug("Ignoring extension {} of {}: not in the plugin's jar", name, label);
                continue;
            }
            result.add(extension);
        }
        return result;
    }

    private ConfigSettings platformSettings(String id, Config reference, String label) {
        try {
            return config.layered(PluginReference.PLATFORMS + "." + id, reference);
        } catch (HandoffException e) {
            throw new Refusal(e.kind(), id, label + ": " + e.getMessage());
        }
    }

    private static void checkReserved(String id, Platform platform, PluginWrapper plugin, String label) {
        if (!RESERVED_IDS.contains(id)) {
            return;
        }
        boolean builtIn = platform.getClass().getPackageName().equals(BUILT_IN_PACKAGE + id)
                && BUILT_IN_PROVIDER.equals(plugin.getDescriptor().getProvider());
        if (!builtIn) {
            throw new Refusal(FailureKind.PLATFORM, null, label + " claims reserved platform id '" + id
                    + "'; reserved ids belong to the built-in platforms");
        }
    }

    /** A platform's architecture step codes must meet neither the framework's nor another loaded platform's. */
    private void checkStepCodes(String id, Platform platform, String label) {
        ArchitectureSteps steps;
        try {
            steps = platform.architectureSteps();
        } catch (RuntimeException e) {
            throw new Refusal(FailureKind.PLATFORM, id, label + ": its architecture step kinds are invalid: "
                    + describe(e));
        }
        for (StepCodeRange range : steps.codes()) {
            for (StepCodeRange own : GenericStep.RESERVED) {
                if (range.overlaps(own)) {
                    throw new Refusal(FailureKind.PLATFORM, id, label + ": step codes " + range
                            + " meet the framework's own codes " + own);
                }
            }
            for (LoadedPlatform other : platforms.values()) {
                for (StepCodeRange theirs : other.platform().architectureSteps().codes()) {
                    if (range.overlaps(theirs) && !other.platform().id().equals(id)) {
                        throw new Refusal(FailureKind.PLATFORM, id, label + ": step codes " + range
                                + " meet platform " + other.platform().id() + "'s codes " + theirs);
                    }
                }
            }
        }
    }

    private void refuse(PluginWrapper plugin, String message, String platformId, FailureKind kind) {
        problem(plugin.getPluginId(), plugin.getPluginPath(), message);
        if (platformId != null) {
            refused.putIfAbsent(platformId, new HandoffException(kind, message));
        }
        unload(plugin.getPluginId());
    }

    private void unload(String pluginId) {
        manager.removeChild(pluginId);
        try {
            manager.unloadPlugin(pluginId);
        } catch (RuntimeException e) {
            LOG.warn("Plugin {} did not unload cleanly", pluginId, e);
        }
    }

    private void problem(String pluginId, Path path, String message) {
        // the caller reports problems() once, on one line each; the log only keeps it for debugging
        LOG.debug(message);
        problems.add(new PluginProblem(pluginId, path, message));
    }

    private static String label(String pluginId, Path path) {
        return "plugin " + pluginId + " (" + path.getFileName() + ")";
    }

    private static String fileId(Path path) {
        String name = path.getFileName().toString();
        return name.endsWith(".jar") ? name.substring(0, name.length() - ".jar".length()) : name;
    }

    /** Describe a failure on one line: its deepest cause, or the first Guice message. */
    private static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown reason";
        }
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof ConfigurationException guice) {
            return firstLine(guice.getErrorMessages());
        }
        if (cause instanceof ProvisionException guice) {
            return firstLine(guice.getErrorMessages());
        }
        String message = cause.getMessage();
        String text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.replace('\n', ' ').replace('\r', ' ');
    }

    private static String firstLine(Collection<Message> messages) {
        String text = messages.isEmpty() ? "unknown Guice error" : messages.iterator().next().getMessage();
        String first = text.lines().map(String::strip).filter(line -> !line.isEmpty()).findFirst().orElse(text);
        return first;
    }

    /** Binds the (possibly empty) set of shared contributions in the root injector. */
    private static final class SharedContributionsModule extends AbstractModule {
        @Override
        protected void configure() {
            Multibinder.newSetBinder(binder(), Contribution.class);
        }
    }

    /** Why a plugin is refused; {@code platformId} is set when the refusal makes that id unavailable. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final FailureKind kind;
        private final String platformId;

        Refusal(FailureKind kind, String platformId, String message) {
            super(message, null, false, false);
            this.kind = kind;
            this.platformId = platformId;
        }
    }
}
