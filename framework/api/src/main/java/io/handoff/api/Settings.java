package io.handoff.api;

import java.time.Duration;
import java.util.List;

/**
 * Read-only, validated configuration of one platform or module, rooted at its own namespace.
 *
 * <p>For a platform the root is {@code handoff.platforms.<id>}: a path {@code memmap} reads
 * {@code handoff.platforms.x86_64.memmap}. Values come from the plugin's {@code reference.conf},
 * then {@code /etc/handoff/handoff.conf}, then command-line options; the framework has already checked
 * them against the reference when a platform sees them.
 *
 * @since 0.1
 */
public interface Settings {
    /** Return whether a value is present at the path. */
    boolean has(String path);

    /** Return the string at the path; throws a {@link HandoffException} naming the path if absent. */
    String getString(String path);

    /** Return the boolean at the path. */
    boolean getBoolean(String path);

    /** Return the integer at the path. */
    int getInt(String path);

    /** Return a size in bytes (HOCON size syntax such as {@code 16M} is accepted). */
    long getBytes(String path);

    /** Return a duration (HOCON duration syntax such as {@code 5s} is accepted). */
    Duration getDuration(String path);

    /** Return a list of strings at the path. */
    List<String> getStringList(String path);
}
