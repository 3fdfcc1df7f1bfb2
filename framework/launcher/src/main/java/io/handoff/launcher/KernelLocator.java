package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds a kernel image when {@code handoff plan} is given none: the running system's, a cached Debian
 * kernel, or the current Debian {@code linux-image-*-amd64} package downloaded into the cache.
 */
final class KernelLocator {
    private final Path boot;
    private final Path home;
    private final String script;

    KernelLocator(Path boot, Path home) {
        this(boot, home, "debian-kernel.sh");
    }

    private KernelLocator(Path boot, Path home, String script) {
        this.boot = boot;
        this.home = home;
        this.script = script;
    }

    static KernelLocator standard() {
        return new KernelLocator(Path.of("/boot"), Distribution.home());
    }

    /**
     * Return the locator for a platform: s390x never takes the host's /boot (an x86 host's kernel is no s390 image)
     * and downloads Debian's linux-image-*-s390x instead.
     */
    static KernelLocator forPlatform(String platform) {
        return "s390x".equals(platform)
                ? new KernelLocator(Path.of("/nonexistent-boot"), Distribution.home(), "debian-kernel-s390x.sh")
                : standard();
    }

    /** Return a kernel image, saying on stderr where it came from, or fail with a message saying how to pass one. */
    Path find(java.io.PrintWriter err) {
        Optional<Path> local = newest(boot, "vmlinuz-");
        if (local.isPresent()) {
            err.println("handoff: no --kernel given; using the running system's " + local.get());
            return local.get();
        }
        Path script = home.resolve("libexec/" + this.script);
        String why;
        if (Files.isExecutable(script)) {
            try {
                Process p = new ProcessBuilder(script.toString()).redirectErrorStream(false).start();
                String out;
                try (var in = p.getInputStream()) {
                    out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                }
                String errText;
                try (var in = p.getErrorStream()) {
                    errText = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                }
                if (p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0 && !out.isEmpty()
                        && Files.isReadable(Path.of(out))) {
                    err.println("handoff: no --kernel given; using the Debian kernel " + out);
                    return Path.of(out);
                }
                why = errText.isEmpty() ? "the Debian kernel download failed" : errText.lines().reduce((a, b) -> b).orElse("");
            } catch (IOException e) {
                why = "cannot run " + script + ": " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                why = "interrupted";
            }
        } else {
            why = script + " is missing";
        }
        throw new HandoffException(FailureKind.UNREADABLE_FILE, "no kernel image found in " + boot
                + " and " + why + "; pass --kernel FILE");
    }

    private static Optional<Path> newest(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .filter(Files::isReadable)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString(), KernelLocator::compareVersions))
                    .toList();
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Compare like {@code sort -V}: digit runs numerically, the rest as text. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("(?<=\\D)(?=\\d)|(?<=\\d)(?=\\D)");
        String[] y = b.split("(?<=\\D)(?=\\d)|(?<=\\d)(?=\\D)");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c;
            if (Character.isDigit(x[i].charAt(0)) && Character.isDigit(y[i].charAt(0))) {
                c = new java.math.BigInteger(x[i]).compareTo(new java.math.BigInteger(y[i]));
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }
}
