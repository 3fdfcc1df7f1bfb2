package io.handoff.core.system;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
 */
public final class ProfileCapture {
    /** The kallsyms symbols a profile keeps. */
    public static final Set<String> SYMBOLS = Set.of("_text", "_stext", "_etext", "_edata", "_end", "startup_64");

    private static final Logger LOG = LoggerFactory.getLogger(ProfileCapture.class);
    private static final Pattern NUMERIC = Pattern.compile("[0-9]{1,9}");
    private static final Pattern CPU = Pattern.compile("cpu[0-9]{1,9}");
    /** Bounds the walk of firmware trees, which never nest deeply; a guard against cycles. */
    private static final int MAX_DEPTH = 8;

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
     * @param targetDir the profile directory to write, created when missing
     * @param platformPaths absolute machine paths the platforms declare, files or directories (copied recursively,
     *     links not followed); duplicates are copied once, never {@code null}
     * @return the machine paths written, in the order written
     * @throws HandoffException {@code UNREADABLE_FILE} when a present file cannot be read,
     *     {@code OUTPUT} when the profile cannot be written
     * @throws IllegalArgumentException when a platform path is not absolute or leaves the machine's root
     */
    public static List<String> capture(SystemView source, Path targetDir, Collection<String> platformPaths) {
        for (String path : platformPaths) {
            if (!path.startsWith("/") || !Path.of(path).normalize().toString().equals(path)) {
                throw new IllegalArgumentException("a platform's capture path must be absolute and normalised: " + path);
            }
        }
        Writer out = new Writer(source, targetDir.toAbsolutePath().normalize());
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
        for (String path : new LinkedHashSet<>(platformPaths)) {
            out.fileOrTree(path);
        }
        out.copy(MachinePaths.LOCKDOWN);
        LOG.info("captured {} files from {} into {}", out.written.size(), source.root(), targetDir);
        return List.copyOf(out.written);
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
            write(machinePath, source.readBytes(machinePath, limit));
        }

        void kallsyms() {
            if (!Files.isRegularFile(source.resolve(MachinePaths.KALLSYMS))) {
                return;
            }
            // Only the lines of the symbols a loader uses: the whole file is megabytes and names every symbol.
            String kept = source.readString(MachinePaths.KALLSYMS).lines()
                    .filter(line -> {
                        String[] fields = line.strip().split("\\s+");
                        return fields.length >= 3 && SYMBOLS.contains(fields[2]);
                    })
                    .map(line -> line + "\n")
                    .collect(Collectors.joining());
            write(MachinePaths.KALLSYMS, kept.getBytes(StandardCharsets.UTF_8));
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
                bytes = source.readBytes(machinePath, Integer.MAX_VALUE);
            } catch (HandoffException e) {
                LOG.warn("{}: not captured: {}", machinePath, e.getMessage());
                return;
            }
            write(machinePath, bytes);
        }

        private void write(String machinePath, byte[] bytes) {
            Path file = target.resolve(machinePath.replaceFirst("^/+", "")).normalize();
            if (!file.startsWith(target)) {
                throw new IllegalArgumentException("machine path leaves the profile: " + machinePath);
            }
            try {
                Files.createDirectories(file.getParent());
                Files.write(file, bytes);
            } catch (IOException e) {
                throw new HandoffException(FailureKind.OUTPUT, file + ": cannot write: " + e.getMessage(), e);
            }
            written.add(machinePath);
        }
    }
}
