package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import io.handoff.core.system.DirectorySystemView;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What plan and load take when their options leave it unsaid: kernel, initrd and command line, from
 * {@code handoff.load} or, with {@code --from}, from another loader's settings, so a distribution can switch
 * loaders without rewriting its configuration.
 *
 * <p>From kdump-tools (Debian's {@code /etc/default/kdump-tools}): KDUMP_KERNEL, KDUMP_INITRD, KDUMP_CMDLINE
 * (empty: the running kernel's command line without crashkernel=, as kdump-config does) and KDUMP_CMDLINE_APPEND.
 * Other variables (the dump directory, the SSH target, ...) are the dump side's and are not read.
 *
 * <p>From kdump.conf (Fedora's and RHEL's kdumpctl): {@code /etc/kdump.conf} holds only the dump side's directives
 * (path, core_collector, the dump target, kdump_pre/kdump_post, extra_bins, failure_action, dracut_args,
 * auto_reset_crashkernel, ...), which act on the capture initramfs mkdumprd builds, never on the load. handoff
 * requires the file, as kdumpctl does, but interprets none of its directives, an unknown one included, just as
 * kdump-tools' other variables are not read (kdumpctl itself refuses an unknown directive). What kdumpctl loads
 * comes from {@code /etc/sysconfig/kdump}, a shell fragment read as kdump-tools' is; when it does not exist,
 * kdumpctl's built-in values apply (KDUMP_COMMANDLINE_REMOVE="hugepages hugepagesz slub_debug", nothing else):
 * <ul>
 * <li>kernel: {@code /boot/$KDUMP_IMG-$KDUMP_KERNELVER$KDUMP_IMG_EXT} (KDUMP_IMG default vmlinuz, KDUMP_KERNELVER
 * default the running kernel's release, {@code /proc/sys/kernel/osrelease}, as {@code uname -r} says);</li>
 * <li>initrd: {@code /boot/initramfs-$KDUMP_KERNELVER}{@code kdump.img}, the one kdumpctl has mkdumprd build, or
 * in {@code /var/lib/kdump}, where kdumpctl puts it when /boot is not writable, when only that one exists;</li>
 * <li>command line: KDUMP_COMMANDLINE, empty meaning the running kernel's, without the parameters
 * KDUMP_COMMANDLINE_REMOVE names and without those kdumpctl always drops ({@link #KDUMPCTL_REMOVES}: the
 * reservation, and the root and storage the kdump initramfs mounts itself); for a kdump load,
 * KDUMP_COMMANDLINE_APPEND and {@code rd.systemd.gpt_auto=no}, which kdumpctl always adds, follow it.</li>
 * </ul>
 * The machine paths are the planned machine's ({@code --root}). Not done: kdumpctl's search of /boot/efi, /efi,
 * the machine-id directory and UKIs, its debug-kernel fallback, KDUMP_BOOTDIR, the disable_cpu_apicid= and watchdog
 * pretimeout parameters it computes, and KEXEC_ARGS (the load method is handoff's --file-load or --auto).
 *
 * <p>Both settings files are shell fragments; handoff reads their plain assignments ({@code NAME=value},
 * {@code NAME="value"}, {@code NAME='value'}, with or without {@code export}) and refuses a value that needs the
 * shell (a {@code $} or a backquote), naming the file, line and variable.
 *
 * @param removeParams parameters (NAME, dropping the words NAME and NAME=...) taken out of the configured command
 *     line, reused or given, before the crash additions
 */
record LoadDefaults(String kernel, String initrd, boolean reuseCmdline, String commandLine, String crashAppend,
        List<String> removeParams) {
    /** Where Debian keeps kdump-tools' settings. */
    static final Path KDUMP_TOOLS = Path.of("/etc/default/kdump-tools");
    /** Where Fedora and RHEL keep kdump's dump settings. */
    static final Path KDUMP_CONF = Path.of("/etc/kdump.conf");
    /** Where Fedora and RHEL keep kdumpctl's load settings. */
    static final Path SYSCONFIG_KDUMP = Path.of("/etc/sysconfig/kdump");
    /** The parameters kdumpctl drops from every capture command line. */
    static final List<String> KDUMPCTL_REMOVES = List.of("crashkernel", "panic_on_warn", "root", "rd.lvm.lv",
            "rd.luks.uuid", "rd.dm.uuid", "rd.md.uuid", "fcoe", "netroot", "rd.iscsi.initiator", "iscsi_initiator");
    /** What kdumpctl appends to every capture command line after KDUMP_COMMANDLINE_APPEND. */
    static final String KDUMPCTL_APPENDS = "rd.systemd.gpt_auto=no";
    /** KDUMP_COMMANDLINE_REMOVE when /etc/sysconfig/kdump does not set it (kdumpctl's own value). */
    static final String KDUMPCTL_DEFAULT_REMOVE = "hugepages hugepagesz slub_debug";

    private static final Pattern NAME = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$");
    private static final Pattern VALUE = Pattern.compile("^(\"([^\"]*)\"|'([^']*)'|([^\\s#'\"]*))\\s*(#.*)?$");
    private static final String OSRELEASE = "/proc/sys/kernel/osrelease";

    LoadDefaults {
        removeParams = List.copyOf(removeParams);
    }

    /** Read Debian's kdump-tools settings from a file. */
    static LoadDefaults fromKdumpTools(Path file) {
        Map<String, Assignment> vars = shellAssignments(file, "kdump-tools settings");
        String cmdline = value(vars, "KDUMP_CMDLINE", "");
        return new LoadDefaults(value(vars, "KDUMP_KERNEL", ""), value(vars, "KDUMP_INITRD", ""), cmdline.isBlank(),
                cmdline, value(vars, "KDUMP_CMDLINE_APPEND", ""), List.of());
    }

    /**
     * Read Fedora's kdump settings: kdump.conf, which must exist, and kdumpctl's sysconfig file, kdumpctl's
     * built-in values when it does not exist.
     *
     * @param conf kdump.conf, read only to require it (none of its directives concerns the load)
     * @param sysconfig the shell fragment with KDUMP_KERNELVER, KDUMP_COMMANDLINE, ...
     * @param machine the machine whose /boot, /var/lib/kdump and running kernel release are taken
     */
    static LoadDefaults fromKdumpConf(Path conf, Path sysconfig, SystemView machine) {
        readSettings(conf, "kdump.conf settings");
        Map<String, Assignment> vars = Files.exists(sysconfig) ? shellAssignments(sysconfig, "kdump sysconfig settings")
                : Map.of();
        String release = value(vars, "KDUMP_KERNELVER", "").strip();
        if (release.isEmpty()) {
            try {
                release = machine.readString(OSRELEASE).strip();
            } catch (HandoffException e) {
                throw new HandoffException(e.kind(), e.getMessage() + "; without it, set KDUMP_KERNELVER in "
                        + sysconfig, e);
            }
            requireFileName(release, machine.resolve(OSRELEASE) + ": the running kernel's release");
        } else {
            requireFileName(release, where(sysconfig, vars, "KDUMP_KERNELVER"));
        }
        String image = value(vars, "KDUMP_IMG", "").strip();
        if (image.isEmpty()) {
            image = "vmlinuz";
        } else {
            requireFileName(image, where(sysconfig, vars, "KDUMP_IMG"));
        }
        String extension = value(vars, "KDUMP_IMG_EXT", "").strip();
        if (!extension.isEmpty()) {
            requireFileName(extension, where(sysconfig, vars, "KDUMP_IMG_EXT"));
        }
        Path kernel = machine.resolve("/boot/" + image + "-" + release + extension);
        String initrdName = "initramfs-" + release + "kdump.img";
        Path initrd = machine.resolve("/boot/" + initrdName);
        Path state = machine.resolve("/var/lib/kdump/" + initrdName);
        if (!Files.exists(initrd) && Files.exists(state)) {
            initrd = state;
        }
        List<String> remove = new ArrayList<>(KDUMPCTL_REMOVES);
        for (String word : value(vars, "KDUMP_COMMANDLINE_REMOVE", KDUMPCTL_DEFAULT_REMOVE).strip().split("\\s+")) {
            String name = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            if (!name.isEmpty() && !remove.contains(name)) {
                remove.add(name);
            }
        }
        String cmdline = value(vars, "KDUMP_COMMANDLINE", "");
        String append = (value(vars, "KDUMP_COMMANDLINE_APPEND", "").strip() + " " + KDUMPCTL_APPENDS).strip();
        return new LoadDefaults(kernel.toString(), initrd.toString(), cmdline.isBlank(), cmdline, append, remove);
    }

    /** A plain shell assignment's value, and the line (from 1) it is on. */
    record Assignment(String value, int line) {
    }

    /**
     * Read the plain assignments of a shell fragment; the last one of a variable wins, as in the shell.
     *
     * @param what what the file holds, for the refusal of a file that cannot be read
     * @throws HandoffException {@code UNREADABLE_FILE} for a missing, unreadable or not regular file,
     *     {@code CONFIGURATION} for a file over the size cap or a value that needs the shell (by file, line, variable)
     */
    static Map<String, Assignment> shellAssignments(Path file, String what) {
        List<String> lines = readSettings(file, what).lines().toList();
        Map<String, Assignment> vars = new LinkedHashMap<>();
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
            vars.put(n.group(1), new Assignment(value, i + 1));
        }
        return vars;
    }

    /**
     * Read a settings file as text: a readable regular file only (as the configuration file is checked, so a FIFO
     * cannot hang the read), of at most {@link DirectorySystemView#MAX_TEXT_FILE} bytes.
     */
    private static String readSettings(Path file, String what) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": " + what + " do not exist or"
                    + " cannot be read (a readable regular file is needed)");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(DirectorySystemView.MAX_TEXT_FILE + 1);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": cannot read " + what + ": "
                    + e.getMessage(), e);
        }
        if (bytes.length > DirectorySystemView.MAX_TEXT_FILE) {
            throw new HandoffException(FailureKind.CONFIGURATION, file + ": larger than "
                    + (DirectorySystemView.MAX_TEXT_FILE >> 20) + " MiB; refused (no settings file is that large)");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String value(Map<String, Assignment> vars, String name, String absent) {
        Assignment a = vars.get(name);
        return a == null ? absent : a.value();
    }

    /** Name a variable's place for an error: file:line: NAME. */
    private static String where(Path file, Map<String, Assignment> vars, String name) {
        return file + ":" + vars.get(name).line() + ": " + name;
    }

    /** Refuse a release or image name that is not one file name (a / would lead out of /boot). */
    private static void requireFileName(String name, String what) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")
                || name.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new HandoffException(FailureKind.CONFIGURATION, what + " (" + name.replaceAll("\\p{Cntrl}", "?")
                    + ") is not a file name in /boot: one word without /");
        }
    }
}
