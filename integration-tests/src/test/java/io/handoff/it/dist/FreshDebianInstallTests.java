package io.handoff.it.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.it.kexec.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb that {@code mvn package} writes, installed with apt on a fresh Debian 12 (a debootstrapped minbase root,
 * in a chroot) by {@code integration-tests/src/test/dist/fresh-debian.sh}: apt resolves the Java runtime, and the
 * acceptance commands run there with the root's own man, bash-completion and systemd. The script prints each
 * command's output between markers; these tests read them.
 *
 * <p>It needs root (debootstrap, chroot, mounts) and Debian's mirror: without root it is skipped, and under
 * ./run-tests or CI it fails saying so. The minbase root is cached in {@code ~/.cache/handoff}.
 */
class FreshDebianInstallTests {
    private static final Pattern BEGIN = Pattern.compile("^==== fresh-debian: BEGIN (\\S+): (.*)$");
    private static final Pattern END = Pattern.compile("^==== fresh-debian: (PASS|FAIL) ([^\\s:]+)(.*)$");

    @TempDir
    static Path work;

    static int exit;
    static String output;
    static final Map<String, Step> steps = new LinkedHashMap<>();

    /** One acceptance command: what ran, whether it passed, and what it printed. */
    record Step(String name, String command, boolean passed, String verdict, String out) {
    }

    @BeforeAll
    static void installOnAFreshDebian() throws Exception {
        Prerequisites.require(effectiveUid() == 0, "FreshDebianInstallTests needs root (debootstrap, chroot and "
                + "mounts of a fresh Debian root): run it as root, e.g. under ./run-tests in a container");
        Path repo = Prerequisites.repository();
        Path target = repo.resolve("framework/launcher/target");
        Path deb;
        try (Stream<Path> files = Files.list(target)) {
            deb = files.filter(p -> p.getFileName().toString().matches("handoff_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no handoff_*_all.deb in " + target
                            + ": mvn package writes it (it needs Debian's dpkg-deb)"));
        }
        Path script = repo.resolve("integration-tests/src/test/dist/fresh-debian.sh");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), deb.toString(), work.toString())
                .redirectErrorStream(true);
        pb.environment().put("HANDOFF_TEST_KERNEL", Prerequisites.kernel().toString());
        pb.environment().put("HANDOFF_TEST_KERNEL_S390X", Prerequisites.s390xKernel().toString());
        pb.environment().remove("KEEP");
        Process p = pb.start();
        output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // the first run debootstraps (about a minute on a fast mirror); later ones unpack the cached root
        assertThat(p.waitFor(30, TimeUnit.MINUTES)).as("fresh-debian.sh finished").isTrue();
        exit = p.exitValue();
        Path log = repo.resolve("integration-tests/target/fresh-debian.log");
        Files.createDirectories(log.getParent());
        Files.writeString(log, output);
        parse();
    }

    private static void parse() {
        String name = null;
        String command = null;
        StringBuilder body = new StringBuilder();
        for (String line : output.split("\n", -1)) {
            Matcher begin = BEGIN.matcher(line);
            Matcher end = END.matcher(line);
            if (begin.matches()) {
                name = begin.group(1);
                command = begin.group(2);
                body.setLength(0);
            } else if (end.matches() && end.group(2).equals(name)) {
                steps.put(name, new Step(name, command, end.group(1).equals("PASS"), line, body.toString()));
                name = null;
            } else if (name != null) {
                body.append(line).append('\n');
            }
        }
    }

    private static long effectiveUid() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return Long.parseLong(line.split("\\s+")[2]);
            }
        }
        throw new IllegalStateException("no Uid: in /proc/self/status");
    }

    /** Return the step's output, after asserting it ran and passed. */
    static String passed(String name) {
        Step step = steps.get(name);
        assertThat(step).as("step %s in the output of fresh-debian.sh (exit %d; integration-tests/target/"
                + "fresh-debian.log):%n%s", name, exit, tail(output)).isNotNull();
        assertThat(step.passed()).as("%s: %s%n%s%s", name, step.command(), step.out(), step.verdict()).isTrue();
        return step.out();
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
    }

    @Nested
    class TheWholeRun {
        @Test
        void everyAcceptanceCommandPassedInOrder() {
            assertThat(exit).as(tail(output)).isZero();
            assertThat(output).contains("==== fresh-debian: ALL PASSED");
            assertThat(steps.keySet()).containsExactly("apt-update", "install", "help", "tools", "man", "completion",
                    "estimate", "status", "matrix", "systemd-analyze", "dpkg-status", "remove");
        }

        @Test
        void theRootIsUnmountedAndDeletedAfterwards() throws Exception {
            Process p = new ProcessBuilder("findmnt", "-rn", "-o", "TARGET").redirectErrorStream(true).start();
            String mounts = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            assertThat(mounts.lines()).noneMatch(m -> m.startsWith(work.toString()));
            assertThat(work.resolve("root")).doesNotExist();
        }
    }

    @Nested
    class Installing {
        @Test
        void aptInstallsThePackageAndResolvesTheJavaRuntime() {
            passed("apt-update");
            assertThat(passed("install")).contains("Setting up handoff", "openjdk-17-jre-headless");
        }

        @Test
        void dpkgRecordsItInstalled() {
            assertThat(passed("dpkg-status")).contains("Package: handoff", "Status: install ok installed");
        }
    }

    @Nested
    class TheInstalledCommand {
        @Test
        void helpRunsWithOnlyThePackagesDependencies() {
            assertThat(passed("help")).contains("Usage: handoff", "estimate", "matrix");
        }

        @Test
        void estimateRecommendsAReservation() {
            assertThat(passed("estimate")).contains("kernel:                 /tmp/kernels/vmlinuz-x86_64")
                    .containsPattern("recommended: +crashkernel=\\d+M");
        }

        @Test
        void statusPrintsJsonOfItsSchema() {
            assertThat(passed("status")).startsWith("{").contains("\"schema\": \"handoff-status/1\"");
        }

        @Test
        void matrixPassesEveryRunAndWritesJUnitXml() {
            assertThat(passed("matrix")).contains("45 runs: 45 passed, 0 failed")
                    .contains("junit.xml: <testsuites").contains("tests=\"45\" failures=\"0\"");
        }
    }

    @Nested
    class TheSystemsOwnTools {
        @Test
        void manRendersThePage() {
            assertThat(passed("tools")).contains("Setting up man-db", "Setting up bash-completion",
                    "Setting up systemd");
            assertThat(passed("man")).contains("NAME", "EXIT STATUS", "handoff-plan(1)");
        }

        @Test
        void bashCompletionCompletesPlToThePlCommands() {
            assertThat(passed("completion")).contains("-F _complete_handoff handoff")
                    .contains("completion: platforms plan\n");
        }

        @Test
        void systemdAnalyzeVerifiesTheUnitsSilently() {
            assertThat(passed("systemd-analyze")).isEqualTo("(no output: the units verify)\n");
        }
    }

    @Nested
    class Removing {
        @Test
        void removeKeepsTheConffileAndTakesTheCommand() {
            assertThat(passed("remove")).contains("Removing handoff", "Status: deinstall ok config-files",
                    "/etc/handoff/handoff.conf", "/usr/bin/handoff: removed");
        }
    }
}
