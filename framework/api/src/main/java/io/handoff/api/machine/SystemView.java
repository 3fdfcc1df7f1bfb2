package io.handoff.api.machine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The files of a machine that a loader reads, rooted at a directory: {@code /} or a captured profile.
 *
 * <p>Paths are absolute machine paths such as {@code /proc/iomem}; the view maps them under its root.
 * Every read the planner does goes through here, so a profile captured with {@code handoff capture}
 * reproduces a plan exactly. Failures are {@link io.handoff.api.HandoffException}s that name the file.
 *
 * @since 0.1
 */
public interface SystemView {
    /** Return the root directory this view reads from. */
    Path root();

    /** Return the host path of a machine path, such as {@code <root>/proc/iomem}. */
    Path resolve(String machinePath);

    /** Return whether the machine path exists. */
    boolean exists(String machinePath);

    /** Read a whole text file; throws {@code UNREADABLE_FILE} naming the path when absent. */
    String readString(String machinePath);

    /** Read at most {@code limit} bytes from the start of a file (pseudo files such as /proc/kcore are huge). */
    byte[] readBytes(String machinePath, int limit);

    /**
     * Open a file for streaming, for files too large to hold at once such as {@code /proc/kallsyms}.
     *
     * <p>The default reads the whole file through {@link #readBytes}; views over real directories stream.
     *
     * @param machinePath the absolute machine path
     * @return a stream the caller closes
     */
    default InputStream open(String machinePath) {
        return new ByteArrayInputStream(readBytes(machinePath, Integer.MAX_VALUE));
    }

    /** List the entry names of a directory, sorted; empty when the directory does not exist. */
    List<String> list(String machineDir);
}
