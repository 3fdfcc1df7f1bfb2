package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * One run of the CLI in this JVM, as {@link Main} runs a command line: its exit code, standard output and standard
 * error.
 */
record CliRun(int code, String out, String err) {
    /** Run these arguments. */
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }

    /** The one error line, without its line break (failing when standard error holds more or less). */
    String line() {
        assertThat(err.lines().toList()).as(err).hasSize(1);
        return err.lines().findFirst().orElseThrow();
    }

    /** The lines of standard output. */
    List<String> lines() {
        return out.lines().toList();
    }
}
