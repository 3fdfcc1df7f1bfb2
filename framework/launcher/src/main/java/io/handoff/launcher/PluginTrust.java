package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * The plugin trust check of the commands that put a kernel into the running one (load, exec, unload).
 *
 * <p>A plugin runs with the launcher's privileges and decides what is loaded, so the plugin directory, every
 * plugin jar or exploded plugin in it, and everything inside an exploded plugin must be writable by no one but
 * its owner, and the owner must be root (or, when handoff does not run as root, the user running it). Otherwise
 * the command stops with one line naming the path and the problem ({@link FailureKind#UNSAFE}), unless
 * {@code --allow-untrusted-plugins} is given, which prints a warning line for each such path instead.
 */
final class PluginTrust {
    /** How deep an exploded plugin directory is searched. */
    private static final int MAX_DEPTH = 8;

    @Option(names = "--allow-untrusted-plugins",
            description = "Load plugins even from a directory or jar that others can write to or that is not owned"
                    + " by root (or you); prints a warning.")
    boolean allowUntrusted;

    /**
     * Check the plugin directory, refusing it or (with the option) warning.
     *
     * @param pluginsDir the plugin directory the command will load
     * @param err where the warning lines go
     * @throws HandoffException {@code UNSAFE} naming the first untrusted path
     */
    void check(Path pluginsDir, PrintWriter err) {
        List<String> problems = problems(pluginsDir, currentUid());
        if (problems.isEmpty()) {
            return;
        }
        if (!allowUntrusted) {
            throw new HandoffException(FailureKind.UNSAFE, problems.get(0)
                    + "; fix the permissions, or pass --allow-untrusted-plugins");
        }
        for (String problem : problems) {
            err.println("handoff: warning: --allow-untrusted-plugins: loading anyway: " + problem);
        }
    }

    /** Return what is wrong with the paths under the plugin directory, each as "PATH: PROBLEM"; empty when fine. */
    static List<String> problems(Path pluginsDir, Optional<Integer> uid) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(pluginsDir)) {
            return out; // nothing is loaded from a missing directory: the registry reports it
        }
        inspect(pluginsDir, uid).ifPresent(out::add);
        try (Stream<Path> entries = Files.walk(pluginsDir, MAX_DEPTH)) {
            entries.filter(p -> !p.equals(pluginsDir))
                    .forEach(p -> inspect(p, uid).ifPresent(out::add));
        } catch (IOException | java.io.UncheckedIOException e) {
            out.add(pluginsDir + ": cannot be listed: " + e.getMessage());
        }
        return out;
    }

    private static Optional<String> inspect(Path path, Optional<Integer> uid) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            String kind = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "directory" : "file";
            if (Files.isSymbolicLink(path)) {
                // a link's own permissions mean nothing: judge what it points to, and who owns the link
                permissions = Files.getPosixFilePermissions(path);
                kind = Files.isDirectory(path) ? "directory" : "file";
            }
            if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                return Optional.of(path + ": plugin " + kind + " is world-writable");
            }
            if (permissions.contains(PosixFilePermission.GROUP_WRITE)) {
                return Optional.of(path + ": plugin " + kind + " is group-writable");
            }
            if (uid.isPresent()) {
                int owner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                int me = uid.get();
                if (owner != 0 && owner != me) {
                    return Optional.of(path + ": plugin " + kind + " is owned by uid " + owner + ", not by "
                            + (me == 0 ? "root" : "root or uid " + me + " (you)"));
                }
            }
            return Optional.empty();
        } catch (UnsupportedOperationException e) {
            return Optional.empty(); // not a POSIX file system: nothing to check
        } catch (IOException e) {
            return Optional.of(path + ": cannot be checked: " + e.getMessage());
        }
    }

    /** Return the uid this process runs as (the owner of /proc/self), when the platform tells. */
    static Optional<Integer> currentUid() {
        try {
            return Optional.of((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
