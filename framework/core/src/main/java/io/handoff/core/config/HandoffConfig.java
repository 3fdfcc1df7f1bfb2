package io.handoff.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layered configuration of one handoff run: command-line overrides over the user file over the
 * {@code reference.conf} files of the framework (and, per plugin, of that plugin).
 *
 * <p>The framework's part is validated when the configuration is loaded ({@code checkValid} plus a strict
 * type check, see {@link #layered}); a plugin's part when the plugin is loaded. Failures are
 * {@link FailureKind#CONFIGURATION} errors naming the file, line and full path, except an explicit
 * user file that cannot be read, which is {@link FailureKind#UNREADABLE_FILE}.
 *
 * @since 0.1
 */
public final class HandoffConfig {
    /** The user file read when none is given; its absence is not an error. */
    public static final Path DEFAULT_FILE = Path.of("/etc/handoff/handoff.conf");

    private static final Logger LOG = LoggerFactory.getLogger(HandoffConfig.class);
    private static final String COMMAND_LINE = "command line";
    private static final String NAMESPACE = "handoff";
    private static final String PLATFORMS = "platforms";

    private final Config user;
    private final Config reference;
    private final Config resolved;
    private final Path file;
    private final CoreSettings core;
    private final PurgatorySettings purgatory;
    /** The references whose keys count as known: the framework's, then each module's passed to {@link #layered}. */
    private final List<Config> knownReferences = new CopyOnWriteArrayList<>();
    /** The namespaces {@link #layered} was called for (loaded platforms). */
    private final Set<String> layeredRoots = ConcurrentHashMap.newKeySet();

    private HandoffConfig(Config user, Config reference, Path file) {
        this.user = user;
        this.reference = reference;
        this.file = file;
        this.resolved = resolve(user.withFallback(reference));
        this.knownReferences.add(reference);
        if (reference.hasPath("handoff")) {
            ConfigProblems.validate(resolved, reference, "handoff");
        }
        this.core = CoreSettings.from(settings("handoff.core"));
        this.purgatory = PurgatorySettings.from(settings("handoff.purgatory"));
    }

    /**
     * Load the configuration with the default user file {@link #DEFAULT_FILE}, which may be absent.
     *
     * @param overrides command-line settings by full path (such as {@code handoff.core.digest-parallelism}), never {@code null}
     * @return the validated configuration
     */
    public static HandoffConfig load(Map<String, String> overrides) {
        return load(DEFAULT_FILE, false, overrides);
    }

    /**
     * Load the configuration with an explicit user file, which must exist.
     *
     * @param file the user file, never {@code null}
     * @param overrides command-line settings by full path, never {@code null}
     * @return the validated configuration
     */
    public static HandoffConfig load(Path file, Map<String, String> overrides) {
        return load(Objects.requireNonNull(file, "file"), true, overrides);
    }

    /**
     * Load the configuration from the references and the overrides only, reading no user file (embedding, tests).
     *
     * @param overrides command-line settings by full path, never {@code null}
     * @return the validated configuration
     */
    public static HandoffConfig withoutFile(Map<String, String> overrides) {
        return load(null, false, overrides);
    }

    private static HandoffConfig load(Path file, boolean required, Map<String, String> overrides) {
        Objects.requireNonNull(overrides, "overrides");
        Config fileLayer = ConfigFactory.empty();
        Path used = null;
        if (file != null) {
            if (Files.exists(file) || required) {
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw new HandoffException(FailureKind.UNREADABLE_FILE,
                            file + ": configuration file does not exist or cannot be read");
                }
                fileLayer = parseFile(file);
                used = file;
            } else {
                LOG.debug("No user configuration at {}", file);
            }
        }
        Config user = parseOverrides(overrides).withFallback(fileLayer);
        Config reference = parse(() -> ConfigFactory.parseResources(HandoffConfig.class.getClassLoader(),
                "reference.conf"), "reference.conf");
        return new HandoffConfig(user, reference, used);
    }

    private static Config parseFile(Path file) {
        ConfigParseOptions options = ConfigParseOptions.defaults()
                .setSyntax(ConfigSyntax.CONF)
                .setAllowMissing(false);
        return parse(() -> ConfigFactory.parseFile(file.toFile(), options), file.toString());
    }

    private static Config parseOverrides(Map<String, String> overrides) {
        for (String key : overrides.keySet()) {
            try {
                ConfigUtil.splitPath(key);
            } catch (ConfigException.BadPath e) {
                throw new HandoffException(FailureKind.CONFIGURATION,
                        COMMAND_LINE + ": '" + key + "' is not a valid setting path", e);
            }
        }
        return parse(() -> ConfigFactory.parseMap(overrides, COMMAND_LINE), COMMAND_LINE);
    }

    private static Config parse(Supplier<Config> parser, String source) {
        try {
            return parser.get();
        } catch (ConfigException e) {
            // Typesafe messages already start with "file: line:"; keep them on one line
            String message = e.getMessage().replace('\n', ' ');
            throw new HandoffException(FailureKind.CONFIGURATION,
                    message.startsWith(source) ? message : source + ": " + message, e);
        }
    }

    private static Config resolve(Config config) {
        try {
            return config.resolve();
        } catch (ConfigException e) {
            throw new HandoffException(FailureKind.CONFIGURATION, e.getMessage().replace('\n', ' '), e);
        }
    }

    /** Return the resolved configuration (user layers over the framework's references). */
    public Config config() {
        return resolved;
    }

    /** Return the user file that was read, if any. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** Return the core settings bound from {@code handoff.core}. */
    public CoreSettings core() {
        return core;
    }

    /** Return the purgatory settings bound from {@code handoff.purgatory}. */
    public PurgatorySettings purgatory() {
        return purgatory;
    }

    /**
     * Return settings rooted at a namespace of the framework, such as {@code handoff.core}.
     *
     * @param root the namespace, never {@code null}
     * @return the settings, empty when nothing is configured there
     */
    public ConfigSettings settings(String root) {
        return ConfigSettings.of(resolved, root);
    }

    /**
     * Layer a module's or plugin's own reference under the user configuration, validate it and return its settings.
     *
     * <p>Only the part of {@code moduleReference} under {@code root} is used, so a plugin's defaults can
     * never change another namespace. Its keys count as known for {@link #requireKnownKeys()}, which refuses
     * the keys the user sets that no reference declares (most likely typos).
     *
     * @param root the namespace, such as {@code handoff.platforms.x86_64}, never {@code null}
     * @param moduleReference the module's own {@code reference.conf}, possibly empty, never {@code null}
     * @return the settings rooted at {@code root}
     * @throws HandoffException of kind CONFIGURATION naming file, line and full path of each bad value
     */
    public ConfigSettings layered(String root, Config moduleReference) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(moduleReference, "moduleReference");
        Config own = moduleReference.hasPath(root) ? moduleReference.withOnlyPath(root) : ConfigFactory.empty();
        Config merged = resolve(user.withFallback(own).withFallback(reference));
        if (own.hasPath(root)) {
            ConfigProblems.validate(merged, own, root);
        }
        knownReferences.add(own);
        layeredRoots.add(root);
        return ConfigSettings.of(merged, root);
    }

    /**
     * Refuse every key the user set under {@code handoff.} (in the user file, {@code -D} or the command line's
     * other overrides) that no reference declares, naming the closest known key.
     *
     * <p>Call it once every module and plugin has been {@link #layered}: their keys count as known. A key under
     * {@code handoff.platforms.<id>} of a platform that is not loaded cannot be checked and is only logged.
     *
     * @throws HandoffException of kind CONFIGURATION: {@code <where>: <key>: not a known setting; did you mean <key>?}
     */
    public void requireKnownKeys() {
        if (!user.hasPath(NAMESPACE)) {
            return;
        }
        List<String> knownKeys = knownReferences.stream()
                .filter(c -> c.hasPath(NAMESPACE))
                .flatMap(c -> c.getConfig(NAMESPACE).entrySet().stream().map(e -> NAMESPACE + "." + e.getKey()))
                .distinct().sorted().toList();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : new TreeMap<>(toMap(user.getConfig(NAMESPACE))).entrySet()) {
            String full = NAMESPACE + "." + entry.getKey();
            if (knownReferences.stream().anyMatch(c -> known(c, full))) {
                continue;
            }
            List<String> parts = ConfigUtil.splitPath(full);
            if (parts.size() > 2 && PLATFORMS.equals(parts.get(1))
                    && !layeredRoots.contains(ConfigUtil.joinPath(parts.subList(0, 3)))) {
                LOG.warn("{}: {} is for platform {}, which is not loaded; not checked",
                        ConfigProblems.where(entry.getValue().origin()), full, parts.get(2));
                continue;
            }
            problems.add(ConfigProblems.where(entry.getValue().origin()) + ": " + full + ": not a known setting"
                    + Suggestions.closest(full, knownKeys).map(k -> "; did you mean " + k + "?").orElse(""));
        }
        if (!problems.isEmpty()) {
            throw new HandoffException(FailureKind.CONFIGURATION, String.join("; ", problems));
        }
    }

    private static Map<String, ConfigValue> toMap(Config config) {
        Map<String, ConfigValue> map = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
            map.put(e.getKey(), e.getValue());
        }
        return map;
    }

    private static boolean known(Config own, String full) {
        try {
            return own.hasPathOrNull(full);
        } catch (ConfigException e) {
            return false; // the reference has a leaf where the user wrote an object
        }
    }

    @Override
    public String toString() {
        return "HandoffConfig[file=" + (file == null ? "none" : file) + "]";
    }
}
