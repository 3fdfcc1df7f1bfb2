package io.handoff.it.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The QEMU harness of {@code integration-tests/src/test/qemu}: prepares the guest and boots it for a scenario.
 */
final class QemuGuest {
    private final Path scripts;
    private final Path work;

    QemuGuest(Path repository) {
        this(repository.resolve("integration-tests/src/test/qemu"), repository.resolve("integration-tests/target/qemu"));
    }

    /** A harness whose {@code prepare.sh} and {@code run-guest.sh} are in {@code scripts}, writing to {@code work}. */
    QemuGuest(Path scripts, Path work) {
        this.scripts = scripts;
        this.work = work;
    }

    Path work() {
        return work;
    }

    /**
     * Return the x86_64 harness of this repository, prepared: aborts the calling test class when QEMU is missing
     * outside ./run-tests (which installs it; under it a missing QEMU fails), fails without the built distribution.
     */
    static QemuGuest preparedX86_64() throws IOException, InterruptedException {
        return preparedX86_64(true);
    }

    /**
     * Return the x86_64 harness of this repository, prepared, as {@link #preparedX86_64()}; the built distribution is
     * required only when {@code handoffNeeded} is true (scenarios that use kexec-tools alone do not run it).
     */
    static QemuGuest preparedX86_64(boolean handoffNeeded) throws IOException, InterruptedException {
        boolean qemu = java.util.stream.Stream.of(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "qemu-system-x86_64")));
        org.junit.jupiter.api.Assumptions.assumeTrue(qemu || io.handoff.it.kexec.Prerequisites.strict(),
                "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86, or run ./run-tests, which installs it)");
        Path repo = io.handoff.it.kexec.Prerequisites.repository();
        Path handoff = repo.resolve("framework/launcher/target/handoff/bin/handoff");
        if (handoffNeeded && !Files.isExecutable(handoff)) {
            org.junit.jupiter.api.Assertions.fail(handoff + " is missing: build the distribution first (./run-tests or "
                    + "mvn -DskipTests package)");
        }
        QemuGuest guest = new QemuGuest(repo);
        guest.prepare();
        return guest;
    }

    /** Run {@code prepare.sh}: packages, the Debian kernel, the initramfs. Returns its output on failure. */
    void prepare() throws IOException, InterruptedException {
        prepare(Map.of());
    }

    /** Run {@code prepare.sh} with HQ_* settings (the s390x harness takes {@code HQ_VMLINUZ}). */
    void prepare(Map<String, String> env) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path log = work.resolve("prepare.log");
        int rc = run(List.of(scripts.resolve("prepare.sh").toString(), work.toString()), env, log, 900);
        if (rc != 0) {
            throw new IllegalStateException("prepare.sh failed (exit " + rc + "):\n" + Files.readString(log));
        }
    }

    /**
     * Boot one scenario.
     *
     * @param scenario the guest's {@code hq.scenario}
     * @param name the run's name
     * @param timeoutSeconds QEMU's bound
     * @param env HQ_* settings (see run-guest.sh)
     */
    GuestRun boot(String scenario, String name, int timeoutSeconds, Map<String, String> env)
            throws IOException, InterruptedException {
        int rc = run(List.of(scripts.resolve("run-guest.sh").toString(), work.toString(), scenario, name,
                Integer.toString(timeoutSeconds)), env, work.resolve(name + ".harness"), timeoutSeconds + 60);
        return GuestRun.read(work, name, rc);
    }

    /** Run a script of the harness's directory; its output goes to {@code WORK/NAME.log}. Returns its exit status. */
    int script(String name, List<String> args, int timeoutSeconds) throws IOException, InterruptedException {
        Files.createDirectories(work);
        List<String> command = new ArrayList<>(List.of(scripts.resolve(name).toString()));
        command.addAll(args);
        return run(command, Map.of(), work.resolve(name + ".log"), timeoutSeconds);
    }

    private static int run(List<String> command, Map<String, String> env, Path output, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
            Files.writeString(output, "\n[harness] killed after " + timeoutSeconds + " s\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
            return 124;
        }
        return p.exitValue();
    }
}
