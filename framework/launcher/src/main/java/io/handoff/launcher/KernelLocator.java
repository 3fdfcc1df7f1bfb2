package io.handoff.launcher;

import io.handoff.api.DebianKernel;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.spi.Platform;
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
 * Finds a kernel image for a platform when {@code handoff plan} or {@code simulate} is given none: the host's
 * newest {@code /boot/vmlinuz-*} when the host runs the platform natively, else the Debian kernel package the
 * platform names ({@link Platform#debianKernel()}), downloaded once into the cache by
 * {@code libexec/debian-kernel.sh ARCHITECTURE FLAVOUR}.
 */
final class KernelLocator {
    static final String SCRIPT = "libexec/debian-kernel.sh";

    private final String platformId;
    private final Optional<Path> boot;
    private final Path home;
    private final Optional<DebianKernel> debian;

    /**
     * Create a locator.
     *
     * @param platformId the platform the kernel is for, for messages
     * @param boot the host's boot directory when the host runs the platform, else empty
     * @param home the distribution home, whose {@value #SCRIPT} downloads Debian kernels
     * @param debian the Debian kernel package of the platform, if it names one
     */
    KernelLocator(String platformId, Optional<Path> boot, Path home, Optional<DebianKernel> debian) {
        this.platformId = platformId;
        this.boot = boot;
        this.home = home;
        this.debian = debian;
    }

    /** Return the locator for a platform on this host. */
    static KernelLocator forPlatform(Platform platform) {
        return forPlatform(platform, System.getProperty("os.arch"), Path.of("/boot"), Distribution.home());
    }

    /** Return the locator for a platform on a host of this {@code os.arch}: its /boot only applies to its own. */
    static KernelLocator forPlatform(Platform platform, String osArch, Path boot, Path home) {
        return new KernelLocator(platform.id(),
                platform.hostArchitectures().contains(osArch) ? Optional.of(boot) : Optional.empty(), home,
                platform.debianKernel());
    }

    /** Return a kernel image, saying on stderr where it came from, or fail with a message saying how to pass one. */
    Path find(java.io.PrintWriter err) {
        Optional<Path> local = boot.flatMap(dir -> newest(dir, "vmlinuz-"));
        if (local.isPresent()) {
            err.println("handoff: no --kernel given; using the running system's " + local.get());
            return local.get();
        }
        String where = boot.map(dir -> "no kernel image found in " + dir + " and ")
                .orElse("this host does not run " + platformId + " and ");
        if (debian.isEmpty()) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, where + "platform " + platformId
                    + " names no Debian kernel package; pass --kernel FILE");
        }
        Path script = home.resolve(SCRIPT);
        String why;
        if (Files.isExecutable(script)) {
            try {
                Process p = new ProcessBuilder(script.toString(), debian.get().architecture(), debian.get().flavour())
                        .redirectErrorStream(false).start();
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
        throw new HandoffException(FailureKind.UNREADABLE_FILE, where + why + "; pass --kernel FILE");
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
