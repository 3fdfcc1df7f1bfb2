package io.handoff.launcher;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Makes the help of every command read as written: descriptions, option texts and footers become paragraphs
 * that picocli wraps once, and each command gets a one-sentence header for the command list.
 *
 * <p>The annotations keep their text in source-width lines; picocli would wrap each line again at the terminal
 * width and list a command by its first line only, cut mid-sentence. An empty line stays a paragraph break.
 */
final class HelpText {
    private HelpText() {
    }

    /** Polish the help of this command line and all its subcommands. */
    static void polish(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        String[] description = paragraphs(spec.usageMessage().description());
        spec.usageMessage().description(description);
        if (spec.usageMessage().header().length == 0 && description.length > 0) {
            // the header is what the parent's command list shows; the command's own help shows the description
            spec.usageMessage().header(firstSentence(description[0]));
            cli.getHelpSectionMap().remove(CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER);
        }
        spec.usageMessage().footer(paragraphs(spec.usageMessage().footer()));
        // a short option takes its value after a space (-D PATH=VALUE), as the option list shows it; picocli's
        // synopsis joins every option to its value with '=' (-D=PATH=VALUE). Same length, so the wrapping holds.
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_SYNOPSIS,
                help -> shortOptionsSpaced(help.synopsis(help.synopsisHeadingLength())));
        for (OptionSpec option : new ArrayList<>(spec.options())) {
            String[] text = option.description();
            if (text.length > 1 && option.group() == null) {
                spec.remove(option);
                spec.addOption(option.toBuilder().description(paragraphs(text)).build());
            }
        }
        cli.getSubcommands().values().forEach(HelpText::polish);
    }

    /** Return a synopsis with {@code -X=VALUE} written {@code -X VALUE} (long options keep their '='). */
    static String shortOptionsSpaced(String synopsis) {
        return synopsis.replaceAll("(?<=[\\[\\s(|])(-[A-Za-z])=", "$1 ");
    }

    /** Join lines into paragraphs; an empty line separates two. */
    static String[] paragraphs(String[] lines) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            if (line.isBlank()) {
                if (current.length() > 0) {
                    out.add(current.toString());
                    current.setLength(0);
                }
                out.add("");
                continue;
            }
            if (current.length() > 0) {
                current.append(' ');
            }
            current.append(line.strip());
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out.toArray(String[]::new);
    }

    /**
     * Return the first sentence of a paragraph: up to the first ". " or ": " outside parentheses (an "e.g." or
     * "i.e." goes on), ending with a full stop.
     */
    static String firstSentence(String paragraph) {
        int depth = 0;
        int end = paragraph.length();
        for (int i = 0; i + 1 < paragraph.length(); i++) {
            char c = paragraph.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (depth == 0 && (c == '.' || c == ':') && paragraph.charAt(i + 1) == ' '
                    && !paragraph.startsWith("e.g", i - 3) && !paragraph.startsWith("i.e", i - 3)) {
                end = i;
                break;
            }
        }
        String sentence = paragraph.substring(0, end).strip();
        return sentence.endsWith(".") ? sentence : sentence + ".";
    }
}
