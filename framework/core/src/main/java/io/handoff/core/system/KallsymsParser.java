package io.handoff.core.system;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code /proc/kallsyms} lines {@code <address> <type> <name> [<module>]} into name to address.
 *
 * <p>The first occurrence of a name wins, as kexec-tools' symbol lookup stops at the first match. A file
 * read without privileges has all-zero addresses; they are kept, and callers treat 0 as "unknown" as
 * kexec-tools does.
 *
 * <p>The file is streamed line by line, never held whole: a real one is megabytes, and a hostile profile may
 * point it at something endless. A line longer than {@link #MAX_LINE} bytes or a file over {@link #MAX_FILE}
 * bytes is refused as malformed.
 */
public final class KallsymsParser {
    /** The longest line accepted: an address, a type, a symbol name (at most 512 bytes) and a module name. */
    public static final int MAX_LINE = 1024;
    /** The most bytes read; a kernel with every module loaded has some tens of MiB. */
    public static final long MAX_FILE = 256L << 20;

    private KallsymsParser() {
    }

    /** Read and parse {@link MachinePaths#KALLSYMS}, streaming it. */
    public static Map<String, Long> read(SystemView view) {
        Map<String, Long> out = new LinkedHashMap<>();
        String path = MachinePaths.KALLSYMS;
        forEachLine(view, path, (number, line) -> parseLine(line, path, number, out));
        return Collections.unmodifiableMap(out);
    }

    /** What is done with each line of a streamed file. */
    @FunctionalInterface
    interface LineConsumer {
        /** Take line {@code number} (from 1), without its newline. */
        void accept(int number, String line);
    }

    /**
     * Stream the lines of a machine file, bounded by {@link #MAX_LINE} and {@link #MAX_FILE}.
     *
     * @throws HandoffException {@code MALFORMED_PROFILE} past a bound, {@code UNREADABLE_FILE} when unreadable
     */
    static void forEachLine(SystemView view, String path, LineConsumer consumer) {
        try (InputStream in = new BufferedInputStream(view.open(path), 64 * 1024)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            long total = 0;
            int number = 0;
            int b;
            while ((b = in.read()) >= 0) {
                if (++total > MAX_FILE) {
                    throw Numbers.malformed(path, "longer than " + (MAX_FILE >> 20) + " MiB; refused");
                }
                if (b == '\n') {
                    consumer.accept(++number, line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else if (line.size() >= MAX_LINE) {
                    throw Numbers.malformed(path + " line " + (number + 1), "longer than " + MAX_LINE + " bytes");
                } else {
                    line.write(b);
                }
            }
            if (line.size() > 0) {
                consumer.accept(++number, line.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, path + ": cannot read under " + view.root() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Parse kallsyms text.
     *
     * @param text the file's content
     * @param machinePath the path named in error messages
     * @return an unmodifiable map in file order
     * @throws io.handoff.api.HandoffException {@code MALFORMED_PROFILE} for a line that is not a symbol
     */
    public static Map<String, Long> parse(String text, String machinePath) {
        Map<String, Long> out = new LinkedHashMap<>();
        int number = 0;
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            int to = nl < 0 ? text.length() : nl;
            number++;
            parseLine(text.substring(from, to), machinePath, number, out);
            from = to + 1;
        }
        return Collections.unmodifiableMap(out);
    }

    private static void parseLine(String line, String machinePath, int number, Map<String, Long> out) {
        String where = machinePath + " line " + number;
        String[] fields = line.strip().split("\\s+");
        // Three fields for the kernel, four when a module name in brackets follows.
        boolean module = fields.length == 4 && fields[3].startsWith("[") && fields[3].endsWith("]");
        if ((fields.length != 3 && !module) || fields[1].length() != 1) {
            throw Numbers.malformed(where, "not '<address> <type> <name> [module]': '" + line + "'");
        }
        long address = Numbers.hex64(fields[0], false, where);
        out.putIfAbsent(fields[2], address);
    }
}
