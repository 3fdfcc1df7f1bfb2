package io.handoff.it.kexec;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the differential tests need from the host: kexec-tools, gcc (for the capture shim) and a Debian kernel.
 *
 * <p>Run alone (mvn), a missing tool skips the tests with a message saying what to install; under ./run-tests or CI
 * a missing tool fails them, so a broken machine cannot pass by skipping everything.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    /** Return the kexec binary, or skip/fail. */
    public static Path kexec() {
        Optional<Path> found = Optional.ofNullable(System.getenv("KEXEC")).map(Path::of)
                .or(() -> onPath("kexec"))
                .or(() -> Optional.of(Path.of("/usr/sbin/kexec")).filter(Files::isExecutable))
                .or(() -> Optional.of(Path.of("/sbin/kexec")).filter(Files::isExecutable));
        require(found.isPresent(), "kexec-tools is not installed (apt-get install kexec-tools)");
        return found.orElseThrow();
    }

    /** Check gcc is there: the reference script builds the LD_PRELOAD shim with it. */
    public static void gcc() {
        require(System.getenv("HANDOFF_SHIM_SO") != null || onPath("gcc").isPresent(),
                "gcc is not installed (apt-get install gcc); it builds the kexec capture shim");
    }

    /**
     * Return the kernel image the tests load: {@code HANDOFF_TEST_KERNEL}, else the newest kernel already cached by
     * {@code framework/launcher/src/dist/libexec/debian-kernel.sh} (never downloaded from here).
     */
    public static Path kernel() {
        String env = System.getenv("HANDOFF_TEST_KERNEL");
        Optional<Path> found;
        if (env != null && !env.isBlank()) {
            found = Optional.of(Path.of(env)).filter(Files::isReadable);
            require(found.isPresent(), "HANDOFF_TEST_KERNEL=" + env + " is not a readable file");
        } else {
            found = cachedDebianKernel();
            require(found.isPresent(), "no kernel: set HANDOFF_TEST_KERNEL to a bzImage, e.g. "
                    + "HANDOFF_TEST_KERNEL=$(framework/launcher/src/dist/libexec/debian-kernel.sh)");
        }
        return found.orElseThrow();
    }

    /**
     * Return the s390x kernel image the matrix loads: {@code HANDOFF_TEST_KERNEL_S390X}, else the newest kernel cached
     * by {@code framework/launcher/src/dist/libexec/debian-kernel-s390x.sh} (never downloaded from here).
     */
    public static Path s390xKernel() {
        String env = System.getenv("HANDOFF_TEST_KERNEL_S390X");
        Optional<Path> found;
        if (env != null && !env.isBlank()) {
            found = Optional.of(Path.of(env)).filter(Files::isReadable);
            require(found.isPresent(), "HANDOFF_TEST_KERNEL_S390X=" + env + " is not a readable file");
        } else {
            found = cachedKernel("debian-kernel-s390x");
            require(found.isPresent(), "no s390x kernel: set HANDOFF_TEST_KERNEL_S390X to an s390 image, e.g. "
                    + "HANDOFF_TEST_KERNEL_S390X=$(framework/launcher/src/dist/libexec/debian-kernel-s390x.sh)");
        }
        return found.orElseThrow();
    }

    /** Return the repository root (the directory holding {@code integration-tests/}). */
    public static Path repository() {
        String prop = System.getProperty("handoff.repo");
        if (prop != null && Files.isDirectory(Path.of(prop, "integration-tests"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("integration-tests").resolve("src"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository above " + Path.of("").toAbsolutePath());
    }

    /** Return {@code kexec-reference.sh}. */
    public static Path referenceScript() {
        return repository().resolve("integration-tests/src/test/scripts/kexec-reference.sh");
    }

    /** Return {@code kexec-ia64-run.sh}. */
    public static Path ia64RunScript() {
        return repository().resolve("integration-tests/src/test/scripts/kexec-ia64-run.sh");
    }

    /** Return the directory of the ia64 machine profiles. */
    public static Path ia64Profiles() {
        return repository().resolve("integration-tests/src/test/resources/ia64-profiles");
    }

    private static volatile Path ia64Kexec;

    /**
     * Return the ia64 oracle: {@code KEXEC_IA64}, else the binary {@code kexec-ia64-reference.sh} prints (it builds
     * kexec-tools 2.0.25's ia64 loader for this host once, into the handoff cache). Skips, or fails under
     * ./run-tests and CI, when it cannot be had.
     */
    public static synchronized Path ia64Kexec() {
        if (ia64Kexec != null) {
            return ia64Kexec;
        }
        String env = System.getenv("KEXEC_IA64");
        if (env != null && !env.isBlank()) {
            require(Files.isExecutable(Path.of(env)), "KEXEC_IA64=" + env + " is not executable");
            ia64Kexec = Path.of(env);
            return ia64Kexec;
        }
        gcc();
        Path script = repository().resolve("integration-tests/src/test/scripts/kexec-ia64-reference.sh");
        String out;
        int rc;
        try {
            Path log = Files.createTempFile("kexec-ia64-reference", ".log");
            Process p = new ProcessBuilder("bash", script.toString()).redirectError(log.toFile()).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            rc = p.waitFor();
            if (rc != 0) {
                out = Files.readString(log);
            }
            Files.deleteIfExists(log);
        } catch (IOException e) {
            rc = -1;
            out = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rc = -1;
            out = "interrupted";
        }
        require(rc == 0 && Files.isExecutable(Path.of(out)), "cannot build the ia64 oracle (kexec-ia64-reference.sh "
                + "needs curl, gcc, make, zlib1g-dev, liblzma-dev and binutils-ia64-linux-gnu): " + out);
        ia64Kexec = Path.of(out);
        return ia64Kexec;
    }

    private static volatile Path ia64Kernel;

    /**
     * Return the ia64 kernel the ia64 differential tests load: {@code HANDOFF_TEST_KERNEL_IA64}, else the synthetic
     * vmlinux {@code plugins-ia64/src/build/build-kernel.sh} assembles (built once into {@code work}).
     */
    public static synchronized Path ia64Kernel(Path work) {
        if (ia64Kernel != null) {
            return ia64Kernel;
        }
        String env = System.getenv("HANDOFF_TEST_KERNEL_IA64");
        if (env != null && !env.isBlank()) {
            require(Files.isReadable(Path.of(env)), "HANDOFF_TEST_KERNEL_IA64=" + env + " is not a readable file");
            ia64Kernel = Path.of(env);
            return ia64Kernel;
        }
        Path build = repository().resolve("plugins-ia64/src/build/build-kernel.sh");
        require(Files.isRegularFile(build), "no ia64 kernel: set HANDOFF_TEST_KERNEL_IA64 to an ia64 vmlinux "
                + "(ET_EXEC, EM_IA_64), or add plugins-ia64/src/build/build-kernel.sh (the synthetic one)");
        Path out = work.resolve("ia64-vmlinux");
        int rc;
        String output;
        try {
            Process p = new ProcessBuilder("bash", build.toString(), out.toString()).redirectErrorStream(true).start();
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            rc = p.waitFor();
        } catch (IOException e) {
            rc = -1;
            output = e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rc = -1;
            output = "interrupted";
        }
        require(rc == 0 && Files.isReadable(out), build + " " + out + " failed (binutils-ia64-linux-gnu?): " + output);
        ia64Kernel = out;
        return ia64Kernel;
    }

    /**
     * Return whether missing prerequisites fail instead of skipping: under {@code ./run-tests} (which sets
     * {@code HANDOFF_TESTS_STRICT=1} after installing what the tests need) and under CI ({@code CI=true}).
     */
    public static boolean strict() {
        return set(System.getenv("HANDOFF_TESTS_STRICT")) || set(System.getenv("CI"));
    }

    private static boolean set(String value) {
        return value != null && !value.isBlank() && !value.equalsIgnoreCase("false") && !value.equals("0");
    }

    /** Skip (or fail under CI) with the message when the condition does not hold. */
    public static void require(boolean condition, String message) {
        if (condition) {
            return;
        }
        if (strict()) {
            fail("a prerequisite is missing under ./run-tests or CI, where nothing is skipped: " + message);
        }
        assumeTrue(false, message);
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> cachedDebianKernel() {
        return cachedKernel("debian-kernel");
    }

    private static Optional<Path> cachedKernel(String kind) {
        String cache = System.getenv("HANDOFF_CACHE");
        Path root = (cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "handoff"))
                .resolve(kind);
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            List<Path> kernels = versions.map(v -> v.resolve("boot"))
                    .filter(Files::isDirectory)
                    .flatMap(Prerequisites::vmlinuzIn)
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
            return kernels.isEmpty() ? Optional.empty() : Optional.of(kernels.get(kernels.size() - 1));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Stream<Path> vmlinuzIn(Path boot) {
        try (Stream<Path> files = Files.list(boot)) {
            return files.filter(f -> f.getFileName().toString().startsWith("vmlinuz-")).toList().stream();
        } catch (IOException e) {
            return Stream.empty();
        }
    }
}
