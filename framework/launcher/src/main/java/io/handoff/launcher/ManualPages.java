package io.handoff.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Writes the man pages (troff, section 1: {@code handoff.1} and one {@code handoff-<command>.1} per subcommand)
 * and the bash completion script (zsh loads it through bashcompinit) from picocli's model of the CLI, so they
 * say exactly what {@code --help} says. The distribution build runs it; nothing at run time uses it.
 */
public final class ManualPages {
    private ManualPages() {
    }

    /**
     * Write the pages and the completion script.
     *
     * @param args the man directory and the completion file
     * @throws IOException when a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ManualPages MAN_DIR COMPLETION_FILE");
            System.exit(2);
        }
        CommandLine cli = HandoffCommand.commandLine(new String[0]);
        Path man = Files.createDirectories(Path.of(args[0]));
        String date = LocalDate.now().toString();
        Files.writeString(man.resolve("handoff.1"), page(cli, "handoff", date), StandardCharsets.UTF_8);
        for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
            Files.writeString(man.resolve("handoff-" + sub.getKey() + ".1"),
                    page(sub.getValue(), "handoff-" + sub.getKey(), date), StandardCharsets.UTF_8);
        }
        Path completion = Path.of(args[1]);
        Files.createDirectories(completion.toAbsolutePath().getParent());
        Files.writeString(completion, AutoComplete.bash("handoff", cli), StandardCharsets.UTF_8);
    }

    /** Return one man page in troff. */
    static String page(CommandLine cli, String name, String date) {
        CommandSpec spec = cli.getCommandSpec();
        StringBuilder t = new StringBuilder();
        t.append(".TH ").append(name.toUpperCase(Locale.ROOT)).append(" 1 \"").append(date)
                .append("\" \"").append(escape(Main.versionLine())).append("\" \"handoff manual\"\n");
        t.append(".SH NAME\n").append(escape(name)).append(" \\- ")
                .append(escape(String.join(" ", spec.usageMessage().header()))).append('\n');
        t.append(".SH SYNOPSIS\n.nf\n")
                .append(escape(cli.getHelp().synopsis(0).strip())).append("\n.fi\n");
        t.append(".SH DESCRIPTION\n");
        for (String paragraph : spec.usageMessage().description()) {
            t.append(paragraph.isBlank() ? ".PP\n" : escape(paragraph) + "\n");
        }
        if (!spec.options().isEmpty()) {
            t.append(".SH OPTIONS\n");
            for (OptionSpec o : spec.options()) {
                if (o.hidden()) {
                    continue;
                }
                t.append(".TP\n.B ").append(escape(String.join(", ", o.names())));
                if (o.arity().max() > 0) {
                    t.append(' ').append(escape(o.paramLabel()));
                }
                t.append('\n').append(escape(String.join(" ", o.description()))).append('\n');
            }
        }
        if (!cli.getSubcommands().isEmpty()) {
            t.append(".SH COMMANDS\n");
            cli.getSubcommands().forEach((sub, c) -> t.append(".TP\n.BR handoff-").append(sub).append(" (1)\n")
                    .append(escape(String.join(" ", c.getCommandSpec().usageMessage().header()))).append('\n'));
        }
        String[] footer = spec.usageMessage().footer();
        if (footer.length > 0) {
            t.append(".SH EXIT STATUS\n");
            for (String paragraph : footer) {
                if (!paragraph.isBlank()) {
                    t.append(escape(paragraph)).append('\n');
                }
            }
        }
        t.append(".SH SEE ALSO\n.BR handoff (1)\n");
        return t.toString();
    }

    /** Escape text for troff: backslashes, and a leading dot or quote that troff would read as a request. */
    static String escape(String text) {
        String s = text.replace("\\", "\\e").replace("-", "\\-");
        return s.startsWith(".") || s.startsWith("'") ? "\\&" + s : s;
    }
}
