package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.core.bundle.Json;
import io.handoff.simulator.Handoff;
import io.handoff.simulator.Trace;
import io.handoff.simulator.TraceReport;
import io.handoff.simulator.matrix.MatrixRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The results of {@code handoff matrix}, rendered as its table, JSON ({@code handoff-matrix/1}), JUnit XML and a
 * Markdown and an HTML report with each run's step timeline.
 *
 * @param runs the runs, in the order they ran
 * @param wall the wall-clock time of the whole matrix
 */
record MatrixReport(List<MatrixRun> runs, Duration wall) {
    private static final String ROW = "%-8s %-26s %-20s %-6s %-34s %12s %8s";

    MatrixReport {
        runs = List.copyOf(runs);
    }

    long failed() {
        return runs.stream().filter(r -> !r.passed()).count();
    }

    /** Create the report directory (or check it) before anything runs, so a bad path fails first. */
    static void prepare(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.OUTPUT, dir + ": cannot create the report directory: " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw new HandoffException(FailureKind.OUTPUT, dir + ": the report directory is not writable");
        }
    }

    static String tableHeader() {
        return String.format(Locale.ROOT, ROW, "PLATFORM", "CONDITION", "SCENARIO", "RESULT", "OUTCOME", "VIRTUAL",
                "WALL");
    }

    static String tableRow(MatrixRun r) {
        String row = String.format(Locale.ROOT, ROW, r.platform(), r.condition().id(), r.scenario().id(),
                r.passed() ? "pass" : "FAIL", shortOutcome(r), r.trace().map(t -> TraceReport.time(t.total())).orElse("-"),
                millis(r.wall()));
        return r.passed() ? row.stripTrailing() : row.stripTrailing() + "\n    " + r.failure().orElseThrow();
    }

    String summary() {
        return String.format(Locale.ROOT, "%d run%s: %d passed, %d failed (%s wall).", runs.size(),
                runs.size() == 1 ? "" : "s", runs.size() - failed(), failed(), millis(wall));
    }

    /** Return how the run ended in a few words: jumped, fell back (halted), refused (exit 6) … */
    static String shortOutcome(MatrixRun r) {
        if (r.trace().isEmpty()) {
            return "did not run";
        }
        Handoff h = r.trace().get().handoff();
        boolean fallback = r.trace().get().fallbackSteps().stream().anyMatch(s -> s.outcome() != io.handoff.simulator
                .StepRun.Outcome.NOT_REACHED);
        String how;
        if (h instanceof Handoff.Jumped) {
            how = "jumped into the new kernel";
        } else if (h instanceof Handoff.Refused refused) {
            how = "planner refused (exit " + refused.code() + ")";
        } else if (h instanceof Handoff.Halted) {
            how = "halted";
        } else if (h instanceof Handoff.Reset) {
            how = "reset";
        } else if (h instanceof Handoff.Stopped) {
            how = "stopped";
        } else if (h instanceof Handoff.ProbeFailed) {
            how = "probe refused";
        } else if (h instanceof Handoff.FirmwareReset) {
            how = "firmware reset";
        } else if (h instanceof Handoff.Hung) {
            how = "hung";
        } else {
            how = h.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        }
        return fallback && !(h instanceof Handoff.Jumped) ? "fallback: " + how : how;
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    /** Return the JSON of {@code --json} and matrix.json (schema handoff-matrix/1). */
    String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", "handoff-matrix/1");
        m.put("runs", runs.size());
        m.put("passed", runs.size() - failed());
        m.put("failed", failed());
        m.put("wallMillis", wall.toMillis());
        List<Object> list = new ArrayList<>();
        for (MatrixRun r : runs) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("platform", r.platform());
            e.put("condition", r.condition().id());
            e.put("scenario", r.scenario().id());
            e.put("passed", r.passed());
            e.put("failure", r.failure().orElse(null));
            e.put("outcome", shortOutcome(r));
            e.put("wallMillis", r.wall().toMillis());
            r.trace().ifPresent(t -> e.put("run", TraceJson.run(r.image(), t)));
            list.add(e);
        }
        m.put("results", list);
        return Json.write(m);
    }

    /** Write the four report files into the directory, each through a temporary file; return their paths. */
    List<Path> write(Path dir) {
        List<Path> written = new ArrayList<>();
        written.add(replace(dir.resolve("junit.xml"), junitXml()));
        written.add(replace(dir.resolve("report.md"), markdown()));
        written.add(replace(dir.resolve("report.html"), html()));
        written.add(replace(dir.resolve("matrix.json"), json() + "\n"));
        return written;
    }

    private static Path replace(Path file, String text) {
        try {
            // created as any file is (the umask decides its mode): a report is for everyone who reads CI results
            Path tmp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp);
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return file;
        } catch (IOException e) {
            throw new HandoffException(FailureKind.OUTPUT, file + ": cannot write the report: " + e.getMessage(), e);
        }
    }

    /** JUnit XML as CI servers read it: a suite per platform, a test case per run, the trace as its output. */
    String junitXml() {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append(String.format(Locale.ROOT, "<testsuites name=\"handoff matrix\" tests=\"%d\" failures=\"%d\" time=\"%s\">%n",
                runs.size(), failed(), seconds(wall)));
        String timestamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace("Z", "");
        Map<String, List<MatrixRun>> byPlatform = runs.stream().collect(Collectors.groupingBy(MatrixRun::platform,
                LinkedHashMap::new, Collectors.toList()));
        byPlatform.forEach((platform, platformRuns) -> {
            long failures = platformRuns.stream().filter(r -> !r.passed()).count();
            Duration time = platformRuns.stream().map(MatrixRun::wall).reduce(Duration.ZERO, Duration::plus);
            x.append(String.format(Locale.ROOT, "  <testsuite name=\"handoff.matrix.%s\" tests=\"%d\" failures=\"%d\""
                    + " errors=\"0\" skipped=\"0\" time=\"%s\" timestamp=\"%s\">%n", attr(platform),
                    platformRuns.size(), failures, seconds(time), timestamp));
            for (MatrixRun r : platformRuns) {
                x.append(String.format(Locale.ROOT, "    <testcase classname=\"handoff.matrix.%s.%s\" name=\"%s\""
                        + " time=\"%s\">%n", attr(platform), attr(r.condition().id()), attr(r.scenario().id()),
                        seconds(r.wall())));
                r.failure().ifPresent(f -> x.append("      <failure type=\"handoff.matrix\" message=\"").append(attr(f))
                        .append("\"/>\n"));
                x.append("      <system-out><![CDATA[").append(cdata(traceText(r))).append("]]></system-out>\n");
                x.append("    </testcase>\n");
            }
            x.append("  </testsuite>\n");
        });
        x.append("</testsuites>\n");
        return x.toString();
    }

    private static String traceText(MatrixRun r) {
        StringBuilder s = new StringBuilder(r.condition().description() + ": " + r.scenario().description() + "\n");
        r.failure().ifPresent(f -> s.append("FAILED: ").append(f).append('\n'));
        r.trace().ifPresent(t -> s.append(String.join("\n", TraceReport.render(r.image(), t))).append('\n'));
        return s.toString();
    }

    String markdown() {
        StringBuilder m = new StringBuilder("# handoff matrix\n\n");
        m.append(summary()).append(" Every run is on the simulated reference machine, not on hardware.\n\n");
        m.append("| platform | condition | scenario | result | outcome | virtual time | budget | wall |\n");
        m.append("|---|---|---|---|---|---|---|---|\n");
        for (MatrixRun r : runs) {
            m.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", md(r.platform()),
                    r.condition().id(), r.scenario().id(), r.passed() ? "pass" : "**FAIL**", md(shortOutcome(r)),
                    r.trace().map(t -> TraceReport.time(t.total())).orElse("-"),
                    r.trace().flatMap(Trace::budget).map(TraceReport::time).orElse("-"), millis(r.wall())));
        }
        for (MatrixRun r : runs) {
            m.append("\n## ").append(md(r.name())).append(r.passed() ? " — pass" : " — FAIL").append("\n\n");
            m.append(md(r.condition().description())).append("; ").append(md(r.scenario().description())).append(".\n");
            r.failure().ifPresent(f -> m.append("\n**Failed:** ").append(md(f)).append('\n'));
            r.trace().ifPresent(t -> {
                List<TraceReport.TimelineEntry> steps = TraceReport.timeline(t);
                if (!steps.isEmpty()) {
                    m.append("\n| # | step | policy | worst case | outcome | reported at | took |\n");
                    m.append("|---|---|---|---|---|---|---|\n");
                    steps.forEach(s -> m.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n",
                            s.index(), md(s.step()), s.policy(), TraceReport.time(s.worstCase()), s.outcome(),
                            s.reportedAt().map(TraceReport::time).orElse("-"),
                            s.took().map(TraceReport::time).orElse("-"))));
                }
                m.append("\nOutcome: ").append(md(TraceReport.outcome(r.image(), t))).append('\n');
                if (!r.passed()) {
                    m.append("\n```\n").append(traceText(r).replace("```", "'''")).append("```\n");
                }
            });
        }
        return m.toString();
    }

    String html() {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>handoff matrix</title><style>body{font-family:sans-serif;margin:2em}"
                + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
                + ".pass{background:#e6f4e6}.fail{background:#f8dddd}pre{background:#f6f6f6;padding:6px}"
                + "</style></head><body>\n<h1>handoff matrix</h1>\n");
        h.append("<p>").append(html(summary())).append(" Every run is on the simulated reference machine, not on"
                + " hardware.</p>\n");
        h.append("<table><tr><th>platform</th><th>condition</th><th>scenario</th><th>result</th><th>outcome</th>"
                + "<th>virtual time</th><th>budget</th><th>wall</th></tr>\n");
        for (int i = 0; i < runs.size(); i++) {
            MatrixRun r = runs.get(i);
            h.append(String.format(Locale.ROOT, "<tr class=\"%s\"><td>%s</td><td>%s</td><td><a href=\"#run%d\">%s</a>"
                    + "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>%n", r.passed() ? "pass" : "fail",
                    html(r.platform()), html(r.condition().id()), i, html(r.scenario().id()),
                    r.passed() ? "pass" : "FAIL", html(shortOutcome(r)),
                    html(r.trace().map(t -> TraceReport.time(t.total())).orElse("-")),
                    html(r.trace().flatMap(Trace::budget).map(TraceReport::time).orElse("-")), millis(r.wall())));
        }
        h.append("</table>\n");
        for (int i = 0; i < runs.size(); i++) {
            MatrixRun r = runs.get(i);
            h.append(String.format(Locale.ROOT, "<details id=\"run%d\"%s><summary>%s — %s</summary>%n", i,
                    r.passed() ? "" : " open", html(r.name()), r.passed() ? "pass" : "FAIL"));
            r.failure().ifPresent(f -> h.append("<p><b>Failed:</b> ").append(html(f)).append("</p>\n"));
            r.trace().ifPresent(t -> {
                h.append("<table><tr><th>#</th><th>step</th><th>policy</th><th>worst case</th><th>outcome</th>"
                        + "<th>reported at</th><th>took</th></tr>\n");
                TraceReport.timeline(t).forEach(s -> h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td>"
                        + "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>%n", html(s.index()),
                        html(s.step()), html(s.policy()), html(TraceReport.time(s.worstCase())), html(s.outcome()),
                        html(s.reportedAt().map(TraceReport::time).orElse("-")),
                        html(s.took().map(TraceReport::time).orElse("-")))));
                h.append("</table>\n");
            });
            h.append("<pre>").append(html(traceText(r))).append("</pre></details>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }

    /** Text safe in XML 1.0: no control characters (the console may carry any byte), markup escaped. */
    private static String xmlText(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c == '\n' || c == '\t' || c == '\r' || (c >= 0x20 && c != 0x7f && c != 0xfffe && c != 0xffff)) {
                b.appendCodePoint(c);
            } else {
                b.append(String.format(Locale.ROOT, "\\x%02x", c));
            }
        });
        return b.toString();
    }

    private static String attr(String s) {
        return xmlText(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("\n", "&#10;");
    }

    private static String cdata(String s) {
        return xmlText(s).replace("]]>", "]]]]><![CDATA[>");
    }

    private static String html(String s) {
        return xmlText(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String md(String s) {
        return xmlText(s).replace("|", "\\|").replace("\n", " ");
    }
}
