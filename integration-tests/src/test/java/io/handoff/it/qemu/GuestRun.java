package io.handoff.it.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One boot of the QEMU guest: its serial console (each line stamped with host seconds) and its data channel.
 *
 * @param name the run's name (its files are {@code NAME.log}, {@code NAME.ttyS1} in the work directory)
 * @param exitCode {@code run-guest.sh}'s exit status (124: timed out)
 * @param console the ttyS0 lines, {@code [  12.345] text}
 * @param dataChannel the ttyS1 file
 */
record GuestRun(String name, int exitCode, List<String> console, Path dataChannel) {
    private static final Pattern STAMP = Pattern.compile("^\\[ *([0-9]+\\.[0-9]+)\\] (.*)$");

    static GuestRun read(Path work, String name, int exitCode) throws IOException {
        Path log = work.resolve(name + ".log");
        List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        return new GuestRun(name, exitCode, lines, work.resolve(name + ".ttyS1"));
    }

    /** Return whether some console line contains the text. */
    boolean saw(String text) {
        return console.stream().anyMatch(l -> l.contains(text));
    }

    /** Return the host time (seconds since QEMU started) of the first line matching the pattern after {@code from}. */
    OptionalDouble timeOf(Pattern pattern, double from) {
        for (String line : console) {
            Matcher m = STAMP.matcher(line);
            if (m.matches() && Double.parseDouble(m.group(1)) >= from && pattern.matcher(m.group(2)).find()) {
                return OptionalDouble.of(Double.parseDouble(m.group(1)));
            }
        }
        return OptionalDouble.empty();
    }

    /** Fail, with the console excerpt, unless every marker appears in some console line. */
    void expect(String... markers) {
        List<String> missing = new ArrayList<>();
        for (String m : markers) {
            if (!saw(m)) {
                missing.add(m);
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError("guest run '" + name + "' never printed " + missing + "\n" + excerpt());
        }
    }

    /** Return the rest of the first console line (stamp removed) that starts with the prefix, or fail. */
    String after(String prefix) {
        return linesStartingWith(prefix).stream().findFirst().map(l -> l.substring(prefix.length()))
                .orElseThrow(() -> new AssertionError("guest run '" + name + "' never printed '" + prefix + "'\n"
                        + excerpt()));
    }

    /** Return the host time of the first line matching the regular expression after {@code from}, or fail. */
    double time(String regex, double from) {
        return timeOf(Pattern.compile(regex), from).orElseThrow(() -> new AssertionError("guest run '" + name
                + "' has no line matching '" + regex + "' after " + from + " s\n" + excerpt()));
    }

    /** Return the console lines that start with a prefix (e.g. {@code HQ: } or {@code purgatory: }), stamps removed. */
    List<String> linesStartingWith(String prefix) {
        List<String> out = new ArrayList<>();
        for (String line : console) {
            Matcher m = STAMP.matcher(line);
            if (m.matches() && m.group(2).startsWith(prefix)) {
                out.add(m.group(2));
            }
        }
        return out;
    }

    /**
     * Return the console lines (stamps removed) after the first line matching {@code from} and before the next
     * line matching {@code to}; empty when {@code from} never matched.
     */
    List<String> linesBetween(Pattern from, Pattern to) {
        List<String> out = new ArrayList<>();
        boolean inside = false;
        for (String line : console) {
            Matcher m = STAMP.matcher(line);
            String text = m.matches() ? m.group(2) : line;
            if (!inside) {
                inside = from.matcher(text).find();
            } else if (to.matcher(text).find()) {
                break;
            } else {
                out.add(text);
            }
        }
        return out;
    }

    /** Return the bytes of a {@code -----BEGIN NAME-----} base64 block on the data channel. */
    Optional<byte[]> block(String blockName) throws IOException {
        if (!Files.exists(dataChannel)) {
            return Optional.empty();
        }
        String text = Files.readString(dataChannel, StandardCharsets.ISO_8859_1).replace("\r", "");
        String begin = "-----BEGIN " + blockName + "-----\n";
        int start = text.indexOf(begin);
        int end = text.indexOf("-----END " + blockName + "-----", start + 1);
        if (start < 0 || end < 0) {
            return Optional.empty();
        }
        return Optional.of(Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end)));
    }

    /**
     * Return the part of the console a failure report needs: the handoff and harness lines, purgatory's, the
     * panic, and the last lines.
     */
    String excerpt() {
        StringBuilder b = new StringBuilder("--- serial console of guest run '" + name + "' (exit " + exitCode
                + (exitCode == 124 ? ", timed out" : "") + "), relevant lines:\n");
        console.stream().filter(l -> l.contains("HQ: ") && !l.contains("insmod") || l.contains("purgatory")
                || l.contains("Kernel panic") || l.contains("Linux version") || l.contains("kexec")
                || l.contains("handoff")).forEach(l -> b.append(l).append('\n'));
        b.append("--- last 40 lines:\n");
        console.subList(Math.max(0, console.size() - 40), console.size()).forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }
}
