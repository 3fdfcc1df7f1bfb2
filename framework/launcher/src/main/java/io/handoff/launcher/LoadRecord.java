package io.handoff.launcher;

import io.handoff.core.digest.SegmentDigest;
import io.handoff.core.plan.HandoffImage;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What {@code handoff load} leaves in its state directory ({@code handoff.load.lock-dir}, /run/handoff: gone at
 * the next boot, as the loaded kernel is) so that {@code handoff status} can say which plan is loaded.
 *
 * <p>One file per kind of load, {@code loaded-crash.properties} or {@code loaded-exec.properties}; unload
 * removes it. The plan digest is the SHA-256 over every segment's address, memory size and data digest: the same
 * plan loaded twice has the same digest, any change to what is loaded changes it.
 */
final class LoadRecord {
    private LoadRecord() {
    }

    /** Return the file of a kind of load in a state directory. */
    static Path file(Path stateDir, boolean crash) {
        return stateDir.resolve(crash ? "loaded-crash.properties" : "loaded-exec.properties");
    }

    /** Return the digest that names a plan. */
    static String planDigest(HandoffImage image) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (SegmentDigest d : image.digests()) {
                md.update(String.format("%x %x ", d.mem(), d.memsz()).getBytes(StandardCharsets.US_ASCII));
                md.update(d.sha256());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** Write the record of a successful kexec_load of a plan (replacing the one before, atomically). */
    static void write(Path stateDir, HandoffImage image, String method) throws IOException {
        write(stateDir, image.platformId(), image.request(), image.plan().commandLine(), method,
                Integer.toString(image.segments().size()), planDigest(image));
    }

    /**
     * Write the record of a successful load (replacing the one before, atomically); a kexec_file_load has no
     * segments or plan digest of handoff's (the kernel planned it), so those are empty.
     */
    static void write(Path stateDir, String platform, io.handoff.api.plan.PlanRequest request, String commandLine,
            String method, String segments, String digest) throws IOException {
        boolean crash = request.mode() == io.handoff.api.plan.PlanRequest.Mode.KDUMP;
        Properties p = new Properties();
        p.setProperty("loaded-at", Instant.now().toString());
        p.setProperty("platform", platform);
        p.setProperty("method", method);
        p.setProperty("kernel", request.kernel().toString());
        p.setProperty("initrd", request.initrd().map(Path::toString).orElse(""));
        p.setProperty("command-line", commandLine);
        p.setProperty("segments", segments);
        p.setProperty("plan-digest", digest);
        Files.createDirectories(stateDir);
        Path target = file(stateDir, crash);
        Path temp = Files.createTempFile(stateDir, ".loaded", ".tmp");
        try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            p.store(w, "written by handoff load; read by handoff status");
        }
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Remove the record of a kind of load. */
    static void remove(Path stateDir, boolean crash) throws IOException {
        Files.deleteIfExists(file(stateDir, crash));
    }

    /** Return the record of a kind of load, as ordered key-value pairs, when there is one. */
    static Optional<Map<String, String>> read(Path stateDir, boolean crash) {
        Path f = file(stateDir, crash);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : new String[] {"loaded-at", "platform", "method", "kernel", "initrd", "command-line",
            "segments", "plan-digest"}) {
            out.put(key, p.getProperty(key, ""));
        }
        return Optional.of(out);
    }
}
