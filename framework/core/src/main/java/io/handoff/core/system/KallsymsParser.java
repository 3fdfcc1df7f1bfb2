package io.handoff.core.system;

import io.handoff.api.machine.SystemView;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code /proc/kallsyms} lines {@code <address> <type> <name> [<module>]} into name to address.
 *
 * <p>The first occurrence of a name wins, as kexec-tools' symbol lookup stops at the first match. A file
 * read without privileges has all-zero addresses; they are kept, and callers treat 0 as "unknown" as
 * kexec-tools does.
 */
public final class KallsymsParser {
    private KallsymsParser() {
    }

    /** Read and parse {@link MachinePaths#KALLSYMS}. */
    public static Map<String, Long> read(SystemView view) {
        return parse(view.readString(MachinePaths.KALLSYMS), MachinePaths.KALLSYMS);
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
