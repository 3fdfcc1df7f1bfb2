package io.handoff.core.system;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import io.handoff.core.files.StagingDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a machine profile ({@code handoff capture DIR}): exactly the files the planner reads, under a
 * directory laid out like the machine's {@code /}, so that a {@link DirectorySystemView} on it plans the same.
 *
 * <p>The files the framework reads come first; then the paths the loaded platforms declare
 * ({@link io.handoff.api.spi.Platform#captureFiles()}), files or whole directories. Absent files are skipped (a
 * profile of one architecture lacks another's files). Two files are cut down: {@code /proc/kcore} to its first
 * 64 KiB (the headers) and {@code /proc/kallsyms} to the symbols a loader uses.
 *
 * <p>A profile holds secrets (the kernel command line, kernel addresses that undo KASLR), so its directories
 * are created 0700 and its files 0600. The destination is refused when it lies inside {@code /proc},
 * {@code /sys} or {@code /dev}, is the source root (or contains it, or lies inside a source root other than
 * {@code /}), or is a non-empty directory that does not hold an earlier capture (marked by {@link #MARKER}).
 * The capture is written into a staging directory next to the destination and moved into place, replacing an
 * earlier capture only when complete. A source that does not exist, or that holds none of the files, is refused.
 */
public final class ProfileCapture {
    /** The kallsyms symbols a profile keeps. */
    public static final Set<String> SYMBOLS = Set.of("_text", "_stext", "_etext", "_edata", "_end", "startup_64");

    private static final Logger LOG = LoggerFactory.getLogger(ProfileCapture.class);
    private static final Pattern NUMERIC = Pattern.compile("[0-9]{1,9}");
    private static final Pattern CPU = Pattern.compile("cpu[0-9]{1,9}");
    /** The file at the top of every capture that marks it as one (and lists what it holds). */
    public static final String MARKER = ".handoff-capture";
    /** The first line of {@link #MARKER}. */
    public static final String MARKER_SCHEMA = "handoff-capture/1";
    /** Kernel file systems a capture is never written into. */
    private static final List<Path> KERNEL_FILE_SYSTEMS = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));
    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    /** Bounds the walk of firmware trees, which never nest deeply; a guard against cycles. */
    private static final int MAX_DEPTH = 8;
    /** The most bytes of one file a capture copies (the cap of {@link DirectorySystemView#MAX_TEXT_FILE}). */
    private static final int MAX_COPY = DirectorySystemView.MAX_TEXT_FILE;

    private ProfileCapture() {
    }

    /**
     * Copy the machine files the framework's planner reads from {@code source} into {@code targetDir}.
     *
     * @param source the machine to capture, never {@code null}
     * @param targetDir the profile directory to write, created when missing
     * @return the machine paths written, in the order written
     * @throws HandoffException {@code UNREADABLE_FILE} when a present file cannot be read,
     *     {@code OUTPUT} when the profile cannot be written
     */
    public static List<String> capture(SystemView source, Path targetDir) {
        return capture(source, targetDir, List.of());
    }

    /**
     * Copy the machine files the planner reads, and the platforms' own paths, from {@code source} into {@code targetDir}.
     *
     * @param source the machine to capture, never {@code null}
     * @param targetDir the profile directory to write, created when missing, or replaced when it holds an earlier
     *     capture
     * @param platformPaths absolute machine paths the platforms declare, files or directories (copied recursively,
     *     links not followed); duplicates are copied once, never {@code null}
     * @return the machine paths written, in the order written
     * @throws HandoffException {@code UNREADABLE_FILE} when a present file cannot be read or the source is missing
     *     or holds no file, {@code UNSAFE} for a destination in a kernel file system or overlapping the source,
     *     {@code OUTPUT} when the profile cannot be written or the destination holds other files
     * @throws IllegalArgumentException when a platform path is not absolute or leaves the machine's root
     */
    public static List<String> capture(SystemView source, Path targetDir, Collection<String> platformPaths) {
        for (String path : platformPaths) {
            if (!path.startsWith("/") || !Path.of(path).normalize().toString().equals(path)) {
                throw new IllegalArgumentException("a platform's capture path must be absolute and normalised: " + path);
            }
        }
        Path target = targetDir.toAbsolutePath().normalize();
        Path root = requireSource(source);
        requireSafeDestination(target, root);
        try {
            createDirectories(target.getParent());
            try (StagingDirectory staging = StagingDirectory.beside(target)) {
                Writer out = new Writer(source, staging.path());
                copyAll(source, out, platformPaths);
                if (out.written.isEmpty()) {
                    throw new HandoffException(FailureKind.UNREADABLE_FILE, root + ": holds none of the files a"
                            + " profile captures (" + MachinePaths.IOMEM + ", " + MachinePaths.CMDLINE + ", "
                            + MachinePaths.VMCOREINFO + " …); is it a machine's root?");
                }
                StringBuilder marker = new StringBuilder(MARKER_SCHEMA).append('\n')
                        .append("source ").append(root).append('\n');
                out.written.forEach(path -> marker.append(path).append('\n'));
                out.writeFile(staging.path().resolve(MARKER), marker.toString().getBytes(StandardCharsets.UTF_8));
                staging.commit();
                LOG.info("captured {} files from {} into {}", out.written.size(), root, target);
                return List.copyOf(out.written);
            }
        } catch (IOException e) {
            throw new HandoffException(FailureKind.OUTPUT, target + ": cannot write the capture: " + e.getMessage(), e);
        }
    }

    private static void copyAll(SystemView source, Writer out, Collection<String> platformPaths) {
        out.copy(MachinePaths.IOMEM);
        out.copy(MachinePaths.CMDLINE);
        out.kallsyms();
        out.copy(MachinePaths.KCORE, MachinePaths.KCORE_HEADERS_SIZE);
        for (String path : List.of(MachinePaths.VMCOREINFO, MachinePaths.KEXEC_CRASH_SIZE,
                MachinePaths.KEXEC_CRASH_LOADED, MachinePaths.BOOT_PARAMS_VERSION, MachinePaths.BOOT_PARAMS_DATA)) {
            out.copy(path);
        }
        for (String cpu : numericSorted(source.list(MachinePaths.CPU_DIR), CPU, 3)) {
            out.copy(MachinePaths.CPU_DIR + "/" + cpu + "/crash_notes");
            out.copy(MachinePaths.CPU_DIR + "/" + cpu + "/crash_notes_size");
        }
        for (String index : numericSorted(source.list(MachinePaths.FIRMWARE_MEMMAP_DIR), NUMERIC, 0)) {
            for (String file : List.of("start", "end", "type")) {
                out.copy(MachinePaths.FIRMWARE_MEMMAP_DIR + "/" + index + "/" + file);
            }
        }
        for (String file : MachinePaths.EFI_FILES) {
            out.copy(MachinePaths.EFI_DIR + "/" + file);
        }
        out.tree(MachinePaths.EFI_RUNTIME_MAP_DIR, 0);
        out.runtimeMapOrder();
        for (String path : new LinkedHashSet<>(platformPaths)) {
            out.fileOrTree(path);
        }
        out.copy(MachinePaths.LOCKDOWN);
    }

    /** Return the real path of the source root, which must be an existing directory. */
    private static Path requireSource(SystemView source) {
        Path root = source.root();
        if (!Files.isDirectory(root)) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, root + ": no such directory to capture"
                    + (Files.exists(root) ? " (not a directory)" : ""));
        }
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, root + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static void requireSafeDestination(Path target, Path root) {
        Path real = realPathOfLongestExisting(target);
        for (Path kernel : KERNEL_FILE_SYSTEMS) {
            if (target.startsWith(kernel) || real.startsWith(kernel)) {
                throw new HandoffException(FailureKind.UNSAFE, target + ": inside " + kernel + ", a kernel file"
                        + " system; refused: choose a directory on a real file system");
            }
        }
        if (real.equals(root)) {
            throw new HandoffException(FailureKind.UNSAFE, target + ": is the root being captured (" + root
                    + "); refused: choose another directory");
        }
        if (root.startsWith(real)) {
            throw new HandoffException(FailureKind.UNSAFE, target + ": contains the root being captured (" + root
                    + "); refused: choose another directory");
        }
        if (root.getNameCount() > 0 && real.startsWith(root)) {
            throw new HandoffException(FailureKind.UNSAFE, target + ": inside the root being captured (" + root
                    + "); refused: choose a directory outside it");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new HandoffException(FailureKind.OUTPUT, target + ": exists and is not a directory");
            }
            boolean empty;
            try (var entries = Files.list(target)) {
                empty = entries.findAny().isEmpty();
            } catch (IOException e) {
                throw new HandoffException(FailureKind.OUTPUT, target + ": cannot be listed: " + e.getMessage(), e);
            }
            if (!empty && !isCapture(target)) {
                throw new HandoffException(FailureKind.OUTPUT, target + ": exists, is not empty and holds no earlier"
                        + " capture (no " + MARKER + "); choose another directory");
            }
        }
    }

    /** Return whether {@code dir} holds a capture this class wrote. */
    public static boolean isCapture(Path dir) {
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (var in = Files.newInputStream(marker)) {
            return new String(in.readNBytes(MARKER_SCHEMA.length()), StandardCharsets.UTF_8).equals(MARKER_SCHEMA);
        } catch (IOException e) {
            return false;
        }
    }

    /** Return the real path of the longest existing prefix of {@code path}, with the rest appended. */
    private static Path realPathOfLongestExisting(Path path) {
        Path existing = path;
        Path rest = Path.of("");
        while (existing != null && !Files.exists(existing)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(rest).normalize();
        } catch (IOException e) {
            return path;
        }
    }

    private static void createDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
        }
    }

    /** Return the names matching {@code pattern}, ordered by the number after {@code prefixLength} characters. */
    private static List<String> numericSorted(List<String> names, Pattern pattern, int prefixLength) {
        return names.stream()
                .filter(n -> pattern.matcher(n).matches())
                .sorted((a, b) -> Integer.compare(Integer.parseInt(a.substring(prefixLength)),
                        Integer.parseInt(b.substring(prefixLength))))
                .toList();
    }

    /** The copying state of one capture. */
    private static final class Writer {
        private final SystemView source;
        private final Path target;
        private final List<String> written = new ArrayList<>();

        Writer(SystemView source, Path target) {
            this.source = source;
            this.target = target;
        }

        void copy(String machinePath) {
            copy(machinePath, Integer.MAX_VALUE);
        }

        void copy(String machinePath, int limit) {
            Path file = source.resolve(machinePath);
            if (!Files.isRegularFile(file)) {
                LOG.debug("{}: absent, not captured", machinePath);
                return;
            }
            byte[] bytes = source.readBytes(machinePath, limit == Integer.MAX_VALUE ? MAX_COPY + 1 : limit);
            if (bytes.length > MAX_COPY) {
                throw new HandoffException(FailureKind.MALFORMED_PROFILE, machinePath + ": larger than "
                        + (MAX_COPY >> 20) + " MiB under " + source.root() + "; refused");
            }
            write(machinePath, bytes);
        }

        void kallsyms() {
            if (!Files.isRegularFile(source.resolve(MachinePaths.KALLSYMS))) {
                return;
            }
            // Only the lines of the symbols a loader uses: the whole file is megabytes and names every symbol.
            // Streamed: the file is read line by line, never whole.
            StringBuilder kept = new StringBuilder();
            KallsymsParser.forEachLine(source, MachinePaths.KALLSYMS, (number, line) -> {
                String[] fields = line.strip().split("\\s+");
                if (fields.length >= 3 && SYMBOLS.contains(fields[2])) {
                    kept.append(line).append('\n');
                }
            });
            write(MachinePaths.KALLSYMS, kept.toString().getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Write {@code runtime-map/ORDER}: the entry names in the order the directory lists them (readdir order,
         * which kexec-tools copies the map in and which a copy of the directory does not keep).
         */
        void runtimeMapOrder() {
            Path dir = source.resolve(MachinePaths.EFI_RUNTIME_MAP_DIR);
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    || Files.exists(dir.resolve(EfiFirmwareReader.ORDER), LinkOption.NOFOLLOW_LINKS)) {
                return; // no map, or a profile's ORDER the tree copy kept
            }
            StringBuilder order = new StringBuilder();
            try (var entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (!name.startsWith(".") && !name.equals(EfiFirmwareReader.ORDER)) {
                        order.append(name).append('\n');
                    }
                }
            } catch (IOException e) {
                throw new HandoffException(FailureKind.UNREADABLE_FILE, MachinePaths.EFI_RUNTIME_MAP_DIR
                        + ": cannot be listed: " + e.getMessage(), e);
            }
            write(MachinePaths.EFI_RUNTIME_MAP_DIR + "/" + EfiFirmwareReader.ORDER,
                    order.toString().getBytes(StandardCharsets.UTF_8));
        }

        void fileOrTree(String machinePath) {
            if (Files.isRegularFile(source.resolve(machinePath), LinkOption.NOFOLLOW_LINKS)) {
                copyOptional(machinePath);
            } else {
                tree(machinePath, 0);
            }
        }

        void tree(String machineDir, int depth) {
            Path dir = source.resolve(machineDir);
            if (depth > MAX_DEPTH || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            for (String name : source.list(machineDir)) {
                String child = machineDir + "/" + name;
                Path path = source.resolve(child);
                if (Files.isSymbolicLink(path)) {
                    LOG.debug("{}: symbolic link, not followed", child);
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    tree(child, depth + 1);
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    copyOptional(child);
                }
            }
        }

        /** Copy a file of a firmware tree; sysfs has attributes that refuse reads, which a profile can do without. */
        private void copyOptional(String machinePath) {
            byte[] bytes;
            try {
                bytes = source.readBytes(machinePath, MAX_COPY + 1);
            } catch (HandoffException e) {
                LOG.warn("{}: not captured: {}", machinePath, e.getMessage());
                return;
            }
            if (bytes.length > MAX_COPY) {
                LOG.warn("{}: not captured: larger than {} MiB", machinePath, MAX_COPY >> 20);
                return;
            }
            write(machinePath, bytes);
        }

        private void write(String machinePath, byte[] bytes) {
            Path file = target.resolve(machinePath.replaceFirst("^/+", "")).normalize();
            if (!file.startsWith(target)) {
                throw new IllegalArgumentException("machine path leaves the profile: " + machinePath);
            }
            writeFile(file, bytes);
            written.add(machinePath);
        }

        /** Write a new file 0600, its missing directories 0700. */
        void writeFile(Path file, byte[] bytes) {
            try {
                createDirectories(file.getParent());
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
                Files.write(file, bytes);
            } catch (IOException e) {
                throw new HandoffException(FailureKind.OUTPUT, file + ": cannot write: " + e.getMessage(), e);
            }
        }
    }
}
