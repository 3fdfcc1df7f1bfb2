package io.handoff.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@link Settings} over the subtree of a resolved Typesafe {@link Config} rooted at a namespace such as
 * {@code handoff.platforms.x86_64}.
 *
 * <p>Every failure is a {@link HandoffException} of kind {@link FailureKind#CONFIGURATION} whose message
 * names the full path ({@code handoff.platforms.x86_64.memmap: ...}), never the relative one the caller
 * used, so a user can find the setting in their file.
 *
 * @since 0.1
 */
public final class ConfigSettings implements Settings {
    private final String root;
    private final Config config;

    private ConfigSettings(String root, Config config) {
        this.root = root;
        this.config = config;
    }

    /**
     * Create settings over the subtree of {@code resolved} at {@code root}; an absent subtree gives empty settings.
     *
     * @param resolved a resolved configuration, never {@code null}
     * @param root the namespace, such as {@code handoff.core}, never {@code null}
     * @return the settings
     */
    public static ConfigSettings of(Config resolved, String root) {
        Objects.requireNonNull(resolved, "resolved");
        Objects.requireNonNull(root, "root");
        // hasPath is false for an explicit null too; both mean "nothing configured here"
        Config subtree = resolved.hasPath(root) ? resolved.getConfig(root) : ConfigFactory.empty();
        return new ConfigSettings(root, subtree);
    }

    /** Return the namespace these settings are rooted at, such as {@code handoff.platforms.x86_64}. */
    public String root() {
        return root;
    }

    /** Return the underlying subtree, relative to {@link #root()}. */
    public Config config() {
        return config;
    }

    @Override
    public boolean has(String path) {
        return read(path, "a valid path", () -> config.hasPath(path));
    }

    @Override
    public String getString(String path) {
        return read(path, "a string", () -> config.getString(path));
    }

    @Override
    public boolean getBoolean(String path) {
        return read(path, "a boolean", () -> config.getBoolean(path));
    }

    @Override
    public int getInt(String path) {
        return read(path, "an integer", () -> config.getInt(path));
    }

    @Override
    public long getBytes(String path) {
        return read(path, "a size in bytes (such as 16M)", () -> config.getBytes(path));
    }

    @Override
    public Duration getDuration(String path) {
        return read(path, "a duration (such as 5s)", () -> config.getDuration(path));
    }

    @Override
    public List<String> getStringList(String path) {
        return read(path, "a list of strings", () -> List.copyOf(config.getStringList(path)));
    }

    /**
     * Build a {@link FailureKind#CONFIGURATION} failure for a value that was read but is out of range.
     *
     * <p>The message names where the value was set (file and line, or the command line) and its full path.
     *
     * @param path the path relative to {@link #root()}
     * @param problem what is wrong, such as {@code must be positive, got -1}
     * @return the exception, for the caller to throw
     */
    public HandoffException invalid(String path, String problem) {
        String where = "";
        try {
            if (config.hasPath(path)) {
                where = ConfigProblems.where(config.getValue(path).origin()) + ": ";
            }
        } catch (ConfigException e) {
            // a bad path: report it without an origin
        }
        return new HandoffException(FailureKind.CONFIGURATION, where + fullPath(path) + ": " + problem);
    }

    private String fullPath(String path) {
        return root.isEmpty() ? path : root + "." + path;
    }

    private <T> T read(String path, String expected, Reader<T> reader) {
        Objects.requireNonNull(path, "path");
        try {
            return reader.read();
        } catch (ConfigException.Missing e) {
            throw new HandoffException(FailureKind.CONFIGURATION,
                    fullPath(path) + ": missing (not set and no default in reference.conf)", e);
        } catch (ConfigException.BadPath e) {
            throw new HandoffException(FailureKind.CONFIGURATION, fullPath(path) + ": not a valid path", e);
        } catch (ConfigException e) {
            throw new HandoffException(FailureKind.CONFIGURATION, describe(path, expected), e);
        }
    }

    private String describe(String path, String expected) {
        ConfigValue value = config.getValue(path);
        ConfigOrigin origin = value.origin();
        return ConfigProblems.where(origin) + ": " + fullPath(path) + ": expected " + expected + " but got "
                + ConfigProblems.render(value);
    }

    @Override
    public String toString() {
        return "ConfigSettings[" + root + "]";
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read();
    }
}
