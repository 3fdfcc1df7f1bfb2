package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Help text: source-width lines become paragraphs, and a command is listed by its first whole sentence. */
class HelpTextTests {
    @Test
    void linesJoinIntoParagraphsAndAnEmptyLineSeparatesThem() {
        assertThat(HelpText.paragraphs(new String[] {"", "Exit codes: 0 ok,", "  1 internal error.", "", "More."}))
                .containsExactly("", "Exit codes: 0 ok, 1 internal error.", "", "More.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Plan a handoff and write it as a bundle: files. Nothing is loaded.|Plan a handoff and write it as a bundle.",
        "Reboot now (file systems are synced; services are not stopped: use x). Then.|Reboot now (file systems are"
                + " synced; services are not stopped: use x).",
        "List the loaded platforms|List the loaded platforms.",
        "Version 1.2 of e.g. this.|Version 1.2 of e.g. this."})
    void theFirstSentenceEndsAtAStopOutsideParentheses(String paragraph, String sentence) {
        assertThat(HelpText.firstSentence(paragraph)).isEqualTo(sentence);
    }

    @Test
    void theSynopsisSpacesShortOptionsFromTheirValuesAndKeepsLongOnesJoined() {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cli = HandoffCommand.commandLine(new String[] {"plan"});
        cli.getSubcommands().get("plan").usage(new java.io.PrintWriter(out, true));

        String synopsis = out.toString().substring(0, out.toString().indexOf("\nPlan a handoff"));
        assertThat(synopsis).contains("[-D PATH=VALUE]...", "[-O KEY=VALUE]...", "--out=DIR", "[--from=SOURCE]")
                .doesNotContain("-D=", "-O=");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "handoff x [-D=PATH=VALUE]... [--set=A];handoff x [-D PATH=VALUE]... [--set=A]",
        "handoff x (-O=K=V | --out=DIR);handoff x (-O K=V | --out=DIR)",
        "handoff x --mode=a-b=c;handoff x --mode=a-b=c"})
    void onlyShortOptionsLoseTheirEquals(String synopsis, String expected) {
        assertThat(HelpText.shortOptionsSpaced(synopsis)).isEqualTo(expected);
    }
}
