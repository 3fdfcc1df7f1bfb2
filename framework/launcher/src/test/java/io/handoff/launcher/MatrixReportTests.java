package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.simulator.ConsoleLine;
import io.handoff.simulator.Handoff;
import io.handoff.simulator.PurgatoryProgram;
import io.handoff.simulator.StepRun;
import io.handoff.simulator.Trace;
import io.handoff.simulator.matrix.MachineCondition;
import io.handoff.simulator.matrix.MatrixRun;
import io.handoff.simulator.matrix.MatrixScenario;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * How {@code handoff matrix} reports runs: JUnit XML a CI server parses whatever the console held, the Markdown
 * timeline, the JSON. (The matrix over the real platforms runs in integration-tests' DebianPackageTests.)
 */
class MatrixReportTests {
    @TempDir
    Path tmp;

    /** A run whose console holds a bell, an escape sequence and a CDATA terminator, as a hostile kernel's might. */
    static MatrixRun hostileRun(Optional<String> failure) {
        PurgatoryProgram.Step verify = new PurgatoryProgram.Step(0, false, 3, true, false, 2_000, List.of(),
                "verify-digests");
        StepRun ran = new StepRun(verify, StepRun.Outcome.COMPLETED, Optional.of(Duration.ofMillis(4)),
                Optional.of(Duration.ofMillis(4)), "purgatory: digests ok");
        String console = "purgatory: digests ok\n\u0007\u001b[2J ]]> <b>&\n";
        Trace trace = new Trace(Optional.empty(), List.of(ran), console,
                List.of(new ConsoleLine(Duration.ofMillis(4), "purgatory: digests ok"),
                        new ConsoleLine(Duration.ofMillis(5), "\u0007\u001b[2J ]]> <b>&")),
                new Handoff.Jumped(0x1000, Map.of("rip", 0x1000L), "jumped to 0x1000"), Duration.ofMillis(5), List.of());
        return new MatrixRun("toy", MachineCondition.HEALTHY, MatrixScenario.KDUMP, Optional.empty(),
                Optional.of(trace), failure, Duration.ofMillis(12));
    }

    static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Nested
    class JUnitXml {
        @Test
        void parsesWithControlCharactersAndCdataTerminatorsInTheConsole() throws Exception {
            MatrixReport report = new MatrixReport(List.of(hostileRun(Optional.empty())), Duration.ofMillis(20));

            Document doc = parse(report.junitXml());

            Element testcase = (Element) doc.getElementsByTagName("testcase").item(0);
            assertThat(testcase.getAttribute("classname")).isEqualTo("handoff.matrix.toy.healthy");
            assertThat(testcase.getAttribute("name")).isEqualTo("kdump");
            assertThat(testcase.getAttribute("time")).isEqualTo("0.012");
            String out = doc.getElementsByTagName("system-out").item(0).getTextContent();
            assertThat(out).contains("\\x07\\x1b[2J ]]> <b>&").doesNotContain("\u0007");
        }

        @Test
        void aFailureIsAFailureElementWithTheReason() throws Exception {
            MatrixReport report = new MatrixReport(List.of(hostileRun(Optional.of("expected <a> \"jump\"")),
                    hostileRun(Optional.empty())), Duration.ofMillis(20));

            Document doc = parse(report.junitXml());

            assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo("2");
            assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("1");
            Element failure = (Element) doc.getElementsByTagName("failure").item(0);
            assertThat(failure.getAttribute("message")).isEqualTo("expected <a> \"jump\"");
            assertThat(report.failed()).isEqualTo(1);
        }
    }

    @Nested
    class Markdown {
        @Test
        void showsEachRunsStepTimelineAndEscapesTables() {
            String md = new MatrixReport(List.of(hostileRun(Optional.of("a | b"))), Duration.ofMillis(20)).markdown();

            assertThat(md).contains("| toy | healthy | kdump | **FAIL** | jumped into the new kernel | 5.000 ms |")
                    .contains("| 0 | verify-digests | required | 2.000 ms | completed | 4.000 ms | 4.000 ms |")
                    .contains("**Failed:** a \\| b");
        }
    }

    @Nested
    class ReportDirectory {
        @Test
        void writesTheFourFilesReadableByOthers() throws Exception {
            MatrixReport report = new MatrixReport(List.of(hostileRun(Optional.empty())), Duration.ofMillis(20));

            List<Path> written = report.write(tmp);

            assertThat(written).extracting(p -> p.getFileName().toString())
                    .containsExactly("junit.xml", "report.md", "report.html", "matrix.json");
            assertThat(java.nio.file.Files.getPosixFilePermissions(tmp.resolve("junit.xml")))
                    .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
            assertThat(tmp.resolve("matrix.json")).content().startsWith("{\n  \"schema\": \"handoff-matrix/1\",\n"
                    + "  \"runs\": 1,\n  \"passed\": 1,\n  \"failed\": 0,");
            try (var left = java.nio.file.Files.list(tmp)) {
                assertThat(left).hasSize(4);
            }
        }
    }
}
