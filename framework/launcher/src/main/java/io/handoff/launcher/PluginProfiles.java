package io.handoff.launcher;

import io.handoff.api.BundledProfile;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.spi.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Machine profiles shipped inside plugin jars: {@code profiles/NAME/} of the jar of a plugin whose platform names
 * {@code NAME} among its {@link Platform#bundledProfiles()}, extracted for {@code --root NAME}.
 *
 * <p>A profile is extracted into a private temporary directory (mode 0700) that is deleted when the process exits:
 * profiles are small, a fresh copy per run cannot go stale or be tampered with between runs, and nothing is left
 * behind in the user's home. A jar entry under {@code profiles/NAME/} that could land outside it when extracted (an
 * absolute name, a {@code .} or {@code ..} element, a backslash) or that is a symbolic link is refused.
 */
final class PluginProfiles {
    private static final int EOCD = 0x06054b50;
    private static final int CEN = 0x02014b50;
    private static final int UNIX = 3;
    private static final int S_IFMT = 0170000;
    private static final int S_IFLNK = 0120000;

    private static final List<Path> TO_DELETE = new ArrayList<>();
    private static boolean hooked;

    /**
     * A loaded plugin's jar and the platform it provides.
     *
     * @param platform the platform, whose bundled profiles name what the jar may hold
     * @param jar the plugin's jar
     */
    record PluginJar(Platform platform, Path jar) {
    }

    private PluginProfiles() {
    }

    /**
     * Return the profile {@code name} extracted from the first plugin jar whose platform ships it, if any does.
     *
     * @param name the bundled profile name, one path element
     * @param jars the loaded plugins' jars, in platform order
     * @return the extracted profile directory, named {@code name}
     * @throws HandoffException UNSAFE for an entry that would escape the profile, UNREADABLE_FILE for an unreadable
     *     jar, OUTPUT when the temporary directory cannot be written
     */
    static Optional<Path> find(String name, List<PluginJar> jars) {
        for (PluginJar p : jars) {
            boolean named = p.platform().bundledProfiles().stream().map(BundledProfile::name).anyMatch(name::equals);
            if (named && Files.isRegularFile(p.jar())) {
                Optional<Path> found = extract(p.jar(), name, PluginProfiles::temporaryDirectory);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Extract {@code profiles/NAME/} of a jar into {@code into/NAME}, the directory asked for only when the jar has
     * that profile.
     *
     * @return {@code into/NAME}, or empty when the jar has no such profile
     */
    static Optional<Path> extract(Path jar, String name, Supplier<Path> into) {
        String prefix = "profiles/" + name + "/";
        List<String> entries = new ArrayList<>();
        for (CentralEntry e : centralDirectory(jar)) {
            String n = e.name();
            if (!n.replace('\\', '/').replaceFirst("^/+", "").startsWith(prefix)) {
                continue; // not this profile's, not extracted
            }
            if (!n.startsWith(prefix) || !safe(n.substring(prefix.length())) || e.symlink()) {
                throw new HandoffException(FailureKind.UNSAFE, "plugin jar " + jar + ": entry '" + n + "' "
                        + (e.symlink() ? "is a symbolic link" : "escapes profiles/" + name + "/")
                        + "; the profile is refused");
            }
            entries.add(n);
        }
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        Path dir = into.get().resolve(name);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Files.createDirectories(dir);
            for (String n : entries) {
                Path target = dir.resolve(n.substring(prefix.length()));
                if (!target.normalize().startsWith(dir)) {
                    throw new HandoffException(FailureKind.UNSAFE, "plugin jar " + jar + ": entry '" + n
                            + "' escapes profiles/" + name + "/; the profile is refused");
                }
                ZipEntry entry = zip.getEntry(n);
                if (entry == null) {
                    throw new IOException("entry " + n + " vanished");
                }
                if (n.endsWith("/")) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, "plugin jar " + jar + ": cannot extract profile "
                    + name + ": " + e.getMessage(), e);
        }
        return Optional.of(dir);
    }

    /** Return whether a path below the profile is relative and stays inside it (no empty, . or .. element). */
    private static boolean safe(String rest) {
        if (rest.isEmpty()) {
            return true;
        }
        if (rest.contains("\\") || rest.startsWith("/") || rest.indexOf('\0') >= 0) {
            return false;
        }
        String body = rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest;
        for (String element : body.split("/", -1)) {
            if (element.isEmpty() || element.equals(".") || element.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** A central directory entry: its raw name and whether a Unix host recorded it as a symbolic link. */
    private record CentralEntry(String name, boolean symlink) {
    }

    /**
     * Read a zip file's central directory: the names as stored (java.util.zip does not expose the Unix mode, and
     * the zip file system hides absolute names and links).
     */
    private static List<CentralEntry> centralDirectory(Path jar) {
        try (FileChannel ch = FileChannel.open(jar, StandardOpenOption.READ)) {
            long size = ch.size();
            int tail = (int) Math.min(size, 65_557);
            ByteBuffer end = read(ch, size - tail, tail);
            int at = -1;
            for (int i = tail - 22; i >= 0; i--) {
                if (end.getInt(i) == EOCD) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                throw new IOException("not a zip file");
            }
            int count = Short.toUnsignedInt(end.getShort(at + 10));
            long cenSize = Integer.toUnsignedLong(end.getInt(at + 12));
            long cenOffset = Integer.toUnsignedLong(end.getInt(at + 16));
            if (count == 0xFFFF || cenSize == 0xFFFFFFFFL || cenOffset == 0xFFFFFFFFL || cenOffset + cenSize > size) {
                throw new IOException("unsupported (zip64) or damaged central directory");
            }
            ByteBuffer cen = read(ch, cenOffset, (int) cenSize);
            List<CentralEntry> entries = new ArrayList<>(count);
            int pos = 0;
            for (int i = 0; i < count; i++) {
                if (pos + 46 > cen.limit() || cen.getInt(pos) != CEN) {
                    throw new IOException("damaged central directory");
                }
                int madeBy = Short.toUnsignedInt(cen.getShort(pos + 4)) >> 8;
                int nameLength = Short.toUnsignedInt(cen.getShort(pos + 28));
                int extraLength = Short.toUnsignedInt(cen.getShort(pos + 30));
                int commentLength = Short.toUnsignedInt(cen.getShort(pos + 32));
                int mode = cen.getInt(pos + 38) >>> 16;
                if (pos + 46 + nameLength > cen.limit()) {
                    throw new IOException("damaged central directory");
                }
                byte[] name = new byte[nameLength];
                cen.get(pos + 46, name);
                entries.add(new CentralEntry(new String(name, StandardCharsets.UTF_8),
                        madeBy == UNIX && (mode & S_IFMT) == S_IFLNK));
                pos += 46 + nameLength + extraLength + commentLength;
            }
            return entries;
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, "plugin jar " + jar + ": cannot read: "
                    + e.getMessage(), e);
        }
    }

    private static ByteBuffer read(FileChannel ch, long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (ch.read(buf, offset + buf.position()) < 0) {
                throw new IOException("truncated");
            }
        }
        return buf.flip();
    }

    /** Create a private directory (0700) that is deleted, with what it holds, when the process exits. */
    private static synchronized Path temporaryDirectory() {
        try {
            Path dir = Files.createTempDirectory("handoff-profile-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            TO_DELETE.add(dir);
            if (!hooked) {
                hooked = true;
                Runtime.getRuntime().addShutdownHook(new Thread(PluginProfiles::deleteAll, "handoff-profile-cleanup"));
            }
            return dir;
        } catch (IOException | UnsupportedOperationException e) {
            throw new HandoffException(FailureKind.OUTPUT, "cannot create a temporary directory for a bundled profile: "
                    + e.getMessage(), e);
        }
    }

    private static synchronized void deleteAll() {
        for (Path dir : TO_DELETE) {
            deleteTree(dir);
        }
        TO_DELETE.clear();
    }

    /** Delete a directory tree, never following links; what cannot be deleted stays. */
    static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
