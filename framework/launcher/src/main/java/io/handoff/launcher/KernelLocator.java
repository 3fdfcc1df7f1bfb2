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
 * {@code libexec/debian-kernel.sh ARCHITECTURE FLAVOUR}; else (none named, or its download failed) the newest
 * {@code vmlinux*} or {@code vmlinuz*} in {@code boot/} of the machine profile planned for, so that a platform
 * without a Debian kernel can ship one with its bundled profile.
 */
final class KernelLocator {
    static final String SCRIPT = "libexec/debian-kernel.sh";

    private final String platformId;
    private final Optional<Path> boot;
    private final Path home;
    private final Optional<DebianKernel> debian;
    private final Optional<Path> profile;

    /**
     * Create a locator.
     *
     * @param platformId the platform the kernel is for, for messages
     * @param boot the host's boot directory when the host runs the platform, else empty
     * @param home the distribution home, whose {@value #SCRIPT} downloads Debian kernels
     * @param debian the Debian kernel package of the platform, if it names one
     * @param profile the machine profile planned for, whose {@code boot/} may carry a kernel; empty for the live
     *     machine
     */
    KernelLocator(String platformId, Optional<Path> boot, Path home, Optional<DebianKernel> debian,
                  Optional<Path> profile) {
        this.platformId = platformId;
        this.boot = boot;
        this.home = home;
        this.debian = debian;
        this.profile = profile;
    }

    /** Return the locator for a platform on this host, planning for the machine at {@code root}. */
    static KernelLocator forPlatform(Platform platform, Path root) {
        return forPlatform(platform, System.getProperty("os.arch"), Path.of("/boot"), Distribution.home(),
                profileOf(root));
    }

    /** Return the locator for a platform on a host of this {@code os.arch}: its /boot only applies to its own. */
    static KernelLocator forPlatform(Platform platform, String osArch, Path boot, Path home) {
        return forPlatform(platform, osArch, boot, home, Optional.empty());
    }

    /** Return the locator for a platform on a host of this {@code os.arch}, planning for a profile. */
    static KernelLocator forPlatform(Platform platform, String osArch, Path boot, Path home, Optional<Path> profile) {
        return new KernelLocator(platform.id(),
                platform.hostArchitectures().contains(osArch) ? Optional.of(boot) : Optional.empty(), home,
                platform.debianKernel(), profile);
    }

    /** Return the machine root as a profile, or empty for the live machine ({@code /}), whose boot/ is the host's. */
    static Optional<Path> profileOf(Path root) {
        if (root == null) {
            return Optional.empty();
        }
        Path absolute = root.toAbsolutePath().normalize();
        return absolute.getNameCount() == 0 ? Optional.empty() : Optional.of(root);
    }

    /** Return a kernel image, saying on stderr where it came from, or fail with a message saying how to pass one. */
    Path find(java.io.PrintWriter err) {
        Optional<Path> local = boot.flatMap(dir -> newest(dir, "vmlinuz-"));
        if (local.isPresent()) {
            err.println("handoff: no --kernel given; using the running system's " + local.get());
            return local.get();
        }
        Optional<Path> bundled = profile.flatMap(dir -> newestKernel(dir.resolve("boot")));
        String where = boot.map(dir -> "no kernel image found in " + dir + " and ")
                .orElse("this host does not run " + platformId + " and ");
        if (debian.isEmpty()) {
            if (bundled.isPresent()) {
                return bundled(err, bundled.get());
            }
            throw new HandoffException(FailureKind.UNREADABLE_FILE, where + "platform " + platformId
                    + " names no Debian kernel package; pass --kernel FILE");
        }
        try {
            return debianKernel(err, where);
        } catch (HandoffException e) {
            if (bundled.isPresent()) {
                err.println("handoff: " + e.getMessage().replaceFirst("; pass --kernel FILE$", ""));
                return bundled(err, bundled.get());
            }
            throw e;
        }
    }

    private Path bundled(java.io.PrintWriter err, Path kernel) {
        err.println("handoff: no --kernel given; using the kernel bundled with profile "
                + profile.map(p -> p.toAbsolutePath().normalize().getFileName()).map(Path::toString).orElse("")
                + ": " + kernel);
        return kernel;
    }

    private Path debianKernel(java.io.PrintWriter err, String where) {
        Path script = home.resolve(SCRIPT);
        String why;
        if (Files.isExecutable(script)) {
            try {
                Process p = new ProcessBuilder(script.toString(), debian.get().architecture(), debian.get().flavour())
                        .redirectErrorStream(false).start();
                // what the script says it does (the download and its size) reaches the user as it happens
                StringBuilder said = new StringBuilder();
                Thread relay = new Thread(() -> {
                    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(),
                            StandardCharsets.UTF_8))) {
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            synchronized (said) {
                                said.append(line).append('\n');
                            }
                            if (line.contains(": downloading ") || line.contains(": adding dpkg architecture")) {
                                err.println(line);
                                err.flush();
                            }
                        }
                    } catch (IOException e) {
                        // the process went away: its exit status says the rest
                    }
                }, "debian-kernel-stderr");
                relay.setDaemon(true);
                relay.start();
                String out;
                try (var in = p.getInputStream()) {
                    out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                }
                relay.join(TimeUnit.MINUTES.toMillis(5));
                String errText;
                synchronized (said) {
                    errText = said.toString().trim();
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

    /** Return the newest {@code vmlinux*} or {@code vmlinuz*} of a directory, by the version after the prefix. */
    static Optional<Path> newestKernel(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("vmlinu[xz].*"))
                    .filter(Files::isRegularFile).filter(Files::isReadable)
                    .max(Comparator.comparing(p -> p.getFileName().toString().substring("vmlinux".length()),
                            KernelLocator::compareVersions));
        } catch (IOException e) {
            return Optional.empty();
        }
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
            if (!x[i].isEmpty() && !y[i].isEmpty() && Character.isDigit(x[i].charAt(0))
                    && Character.isDigit(y[i].charAt(0))) {
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
