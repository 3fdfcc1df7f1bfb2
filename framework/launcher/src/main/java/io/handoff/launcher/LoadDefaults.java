package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.core.system.DirectorySystemView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What plan and load take when their options leave it unsaid: kernel, initrd and command line, from
 * {@code handoff.load} or, with {@code --from kdump-tools}, from Debian's {@code /etc/default/kdump-tools}.
 *
 * <p>From kdump-tools, so a distribution can switch loaders without rewriting its configuration: KDUMP_KERNEL,
 * KDUMP_INITRD, KDUMP_CMDLINE (empty: the running kernel's command line without crashkernel=, as kdump-config
 * does) and KDUMP_CMDLINE_APPEND. The file is a shell fragment; handoff reads its plain assignments ({@code NAME=value}, {@code NAME="value"},
 * {@code NAME='value'}, with or without {@code export}) and refuses a value that needs the shell (a {@code $} or a
 * backquote), naming the file, line and variable. Other variables (the dump directory, the SSH target, ...) are
 * the dump side's and are not read.
 */
record LoadDefaults(String kernel, String initrd, boolean reuseCmdline, String commandLine, String crashAppend) {
    /** Where Debian keeps kdump-tools' settings. */
    static final Path KDUMP_TOOLS = Path.of("/etc/default/kdump-tools");

    private static final Pattern NAME = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
    private static final Pattern VALUE = Pattern.compile("^(\"([^\"]*)\"|'([^']*)'|([^\\s#'\"]*))\\s*(#.*)?$");

    /** Read Debian's kdump-tools settings from a file. */
    static LoadDefaults fromKdumpTools(Path file) {
        // as the configuration file is checked (HandoffConfig): a regular file only, so a FIFO cannot hang the read
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": kdump-tools settings do not exist or"
                    + " cannot be read (a readable regular file is needed)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(DirectorySystemView.MAX_TEXT_FILE + 1);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": cannot read kdump-tools settings: "
                    + e.getMessage(), e);
        }
        if (bytes.length > DirectorySystemView.MAX_TEXT_FILE) {
            throw new HandoffException(FailureKind.CONFIGURATION, file + ": larger than "
                    + (DirectorySystemView.MAX_TEXT_FILE >> 20) + " MiB; refused (no settings file is that large)");
        }
        List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        Map<String, String> vars = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher n = NAME.matcher(line);
            if (!n.matches()) {
                continue; // comments, blank lines, shell statements other than assignments: not settings
            }
            Matcher v = VALUE.matcher(n.group(2));
            String raw = n.group(2).strip();
            boolean literal = v.matches() && v.group(3) != null;
            String value = !v.matches() ? raw : v.group(2) != null ? v.group(2) : literal ? v.group(3) : v.group(4);
            if (!v.matches() || !literal && (value.contains("$") || value.contains("`"))) {
                throw new HandoffException(FailureKind.CONFIGURATION, String.format("%s:%d: %s needs the shell (%s);"
                        + " write the value out or use handoff.conf", file, i + 1, n.group(1), raw));
            }
            vars.put(n.group(1), value);
        }
        String cmdline = vars.getOrDefault("KDUMP_CMDLINE", "");
        return new LoadDefaults(vars.getOrDefault("KDUMP_KERNEL", ""), vars.getOrDefault("KDUMP_INITRD", ""),
                cmdline.isBlank(), cmdline, vars.getOrDefault("KDUMP_CMDLINE_APPEND", ""));
    }
}
