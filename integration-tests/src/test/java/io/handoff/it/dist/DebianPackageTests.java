package io.handoff.it.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.it.kexec.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The .deb that {@code mvn package} writes, unpacked into a throwaway root with dpkg-deb and run from there: what
 * a distribution installs, and that the installed command works.
 */
class DebianPackageTests {
    @TempDir
    static Path tmp;

    static Path root;

    record Run(int code, String out) {
    }

    @BeforeAll
    static void unpack() throws Exception {
        Path target = Prerequisites.repository().resolve("framework/launcher/target");
        Path deb;
        try (Stream<Path> files = Files.list(target)) {
            deb = files.filter(p -> p.getFileName().toString().matches("handoff_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no handoff_*_all.deb in " + target
                            + ": mvn package writes it (it needs Debian's dpkg-deb)"));
        }
        root = Files.createDirectories(tmp.resolve("root"));
        assertThat(run(List.of("dpkg-deb", "-x", deb.toString(), root.toString())).code()).isZero();
    }

    static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Nested
    class Layout {
        @Test
        void theCommandIsARelativeLinkIntoUsrShareHandoff() throws IOException {
            Path bin = root.resolve("usr/bin/handoff");
            assertThat(Files.isSymbolicLink(bin)).isTrue();
            assertThat(Files.readSymbolicLink(bin)).isEqualTo(Path.of("../share/handoff/bin/handoff"));
            assertThat(root.resolve("usr/share/handoff/bin/handoff")).isExecutable();
        }

        @Test
        void configurationUnitsManPagesAndCompletionAreWhereADistributionLooks() {
            assertThat(root.resolve("etc/handoff/handoff.conf")).content().contains("handoff.load.kernel");
            assertThat(root.resolve("lib/systemd/system/handoff-kdump.service")).content()
                    .contains("ExecStart=/usr/bin/handoff load --crash");
            assertThat(root.resolve("lib/systemd/system/handoff-kdump.path")).exists();
            for (String page : List.of("handoff", "handoff-plan", "handoff-load", "handoff-simulate", "handoff-status",
                    "handoff-matrix")) {
                assertThat(root.resolve("usr/share/man/man1/" + page + ".1.gz")).as(page).exists();
            }
            assertThat(root.resolve("usr/share/bash-completion/completions/handoff")).exists();
            assertThat(root.resolve("usr/share/zsh/vendor-completions/_handoff")).content().startsWith("#compdef handoff");
        }

        @Test
        void noClassDataArchiveOfTheBuildsPathIsShipped() {
            assertThat(root.resolve("usr/share/handoff/lib/handoff.jsa")).doesNotExist();
        }
    }

    @Nested
    class Installed {
        @Test
        void platformsListsEveryBuiltInPlatform() throws Exception {
            Run r = run(List.of(root.resolve("usr/bin/handoff").toString(), "platforms"));

            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out()).contains("plugins: " + root.resolve("usr/share/handoff/plugins"))
                    .contains("x86_64  ", "s390x  ", "ia64  ", "firmware plugin: efi");
        }

        @Test
        void simulateRunsTheBundledMachineFromTheInstalledTree() throws Exception {
            Run r = run(List.of(root.resolve("usr/bin/handoff").toString(), "simulate", "--platform", "x86_64",
                    "--kernel", Prerequisites.kernel().toString()));

            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out()).contains("digests ok").contains("jump");
        }

        @Test
        void matrixRunsEveryPlatformAndWritesJUnitXmlAndReports() throws Exception {
            Path report = tmp.resolve("matrix");
            Run r = run(List.of(root.resolve("usr/bin/handoff").toString(), "matrix", "--report", report.toString(),
                    "--kernel", "x86_64=" + Prerequisites.kernel(), "--kernel", "s390x=" + Prerequisites.s390xKernel()));

            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out()).contains("45 runs: 45 passed, 0 failed");
            Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(report.resolve("junit.xml").toFile());
            assertThat(junit.getDocumentElement().getAttribute("tests")).isEqualTo("45");
            assertThat(junit.getDocumentElement().getAttribute("failures")).isEqualTo("0");
            assertThat(junit.getElementsByTagName("testsuite").getLength()).isEqualTo(3);
            assertThat(junit.getElementsByTagName("testcase").getLength()).isEqualTo(45);
            assertThat(report.resolve("report.md")).content()
                    .contains("| x86_64 | healthy | kdump | pass | jumped into the new kernel |")
                    .contains("| 2 | verify-digests | required |");
            assertThat(report.resolve("report.html")).content().contains("<details id=\"run0\"");
            assertThat(report.resolve("matrix.json")).content().contains("\"schema\": \"handoff-matrix/1\"");
        }

        @Test
        void matrixExits16AndReportsTheFailureWhenARunFails() throws Exception {
            Path report = tmp.resolve("matrix-failing");
            // a 1 ms budget makes the planner refuse the kdump the scenario expects to jump
            Run r = run(List.of(root.resolve("usr/bin/handoff").toString(), "matrix", "--platform", "x86_64",
                    "--scenario", "kdump", "--condition", "healthy", "-D", "handoff.purgatory.budget=1ms",
                    "--kernel", "x86_64=" + Prerequisites.kernel(), "--report", report.toString()));

            assertThat(r.code()).as(r.out()).isEqualTo(16);
            assertThat(r.out()).contains("x86_64   healthy", "FAIL", "1 run: 0 passed, 1 failed");
            Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(report.resolve("junit.xml").toFile());
            assertThat(junit.getElementsByTagName("failure").getLength()).isEqualTo(1);
            assertThat(((org.w3c.dom.Element) junit.getElementsByTagName("failure").item(0)).getAttribute("message"))
                    .isEqualTo("expected \"purgatory: digests ok\" on the console");
        }

        @Test
        void manRendersThePage() throws Exception {
            Run r = run(List.of("man", "-l", root.resolve("usr/share/man/man1/handoff.1.gz").toString()));

            assertThat(r.code()).as(r.out()).isZero();
            assertThat(r.out()).contains("NAME", "handoff-plan(1)", "EXIT STATUS");
        }

        @Test
        void bashCompletesPlToThePlCommands() throws Exception {
            String script = "source " + root.resolve("usr/share/bash-completion/completions/handoff")
                    + "; COMP_WORDS=(handoff pl); COMP_CWORD=1; COMP_LINE='handoff pl'; COMP_POINT=10;"
                    + " _picocli_handoff; echo \"${COMPREPLY[@]}\"";
            Run r = run(List.of("bash", "-c", script));

            assertThat(r.code()).isZero();
            assertThat(r.out().strip()).isEqualTo("platforms plan");
        }
    }
}
