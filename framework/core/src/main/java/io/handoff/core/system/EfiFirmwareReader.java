package io.handoff.core.system;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.EfiFirmware;
import io.handoff.api.machine.EfiMemoryDescriptor;
import io.handoff.api.machine.SystemView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code /sys/firmware/efi} into an {@link EfiFirmware}, with kexec-tools' parsing rules.
 *
 * <p>{@code systab}, {@code fw_vendor}, {@code runtime}, {@code config_table}: lines of at most 1023 characters
 * are searched for a pattern; the text after the first match is read as {@code strtoull(…, 16)} reads it
 * (blanks, a sign, an optional {@code 0x}, hexadecimal digits; none gives 0; too large gives all ones).
 * A missing file, or all ones, is a problem (kexec-tools then passes no EFI), not an error.
 * Runtime-map entries: each of {@code type} ({@code 0x%x}) and {@code phys_addr}, {@code virt_addr},
 * {@code num_pages}, {@code attribute} ({@code 0x%llx}) must start with {@code 0x} and a number; a missing or
 * unreadable one is a one-line {@code MALFORMED_PROFILE} error naming the file.
 */
public final class EfiFirmwareReader {
    /** The file a capture writes with the runtime map's directory order, one entry name a line. */
    public static final String ORDER = "ORDER";

    private static final int FGETS_LINE = 1023;

    private EfiFirmwareReader() {
    }

    /**
     * Read the firmware.
     *
     * @param view the machine
     * @return empty when the machine has no {@code /sys/firmware/efi}
     * @throws HandoffException {@code MALFORMED_PROFILE} for a bad runtime-map file or ORDER entry
     */
    public static Optional<EfiFirmware> read(SystemView view) {
        if (!view.exists(MachinePaths.EFI_DIR)) {
            return Optional.empty();
        }
        List<String> problems = new ArrayList<>();
        String systab = MachinePaths.EFI_DIR + "/systab";
        if (!view.exists(systab)) {
            problems.add(systab + " missing");
        }
        long smbios = value(view, systab, "SMBIOS=0x", problems);
        long fwVendor = value(view, MachinePaths.EFI_DIR + "/fw_vendor", "0x", problems);
        long runtime = value(view, MachinePaths.EFI_DIR + "/runtime", "0x", problems);
        long tables = value(view, MachinePaths.EFI_DIR + "/config_table", "0x", problems);
        int size = platformSize(view);
        boolean mapPresent = view.exists(MachinePaths.EFI_RUNTIME_MAP_DIR);
        List<EfiMemoryDescriptor> map = new ArrayList<>();
        for (String name : runtimeMapOrder(view)) {
            map.add(descriptor(view, name));
        }
        return Optional.of(new EfiFirmware(size, fwVendor, runtime, tables, smbios, mapPresent, map, problems));
    }

    /**
     * Return the runtime map's entry names in the running kernel's directory order: {@code ORDER} when the capture
     * wrote one, else the entries that are directories, numbers first in numeric order, then others by name.
     */
    static List<String> runtimeMapOrder(SystemView view) {
        String dir = MachinePaths.EFI_RUNTIME_MAP_DIR;
        String order = dir + "/" + ORDER;
        if (view.exists(order)) {
            List<String> names = new ArrayList<>();
            for (String line : view.readString(order).split("\n", -1)) {
                String name = line.strip();
                if (name.isEmpty()) {
                    continue;
                }
                if (name.startsWith(".") || name.contains("/") || !view.exists(dir + "/" + name)) {
                    throw new HandoffException(FailureKind.MALFORMED_PROFILE, order + ": names \"" + name
                            + "\", which is not an entry of " + dir);
                }
                names.add(name);
            }
            return names;
        }
        return view.list(dir).stream()
                .filter(n -> !n.startsWith(".") && !n.equals(ORDER))
                .sorted(Comparator.comparing((String n) -> !n.matches("[0-9]{1,9}"))
                        .thenComparing(n -> n.matches("[0-9]{1,9}") ? Integer.parseInt(n) : 0)
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    private static EfiMemoryDescriptor descriptor(SystemView view, String name) {
        String dir = MachinePaths.EFI_RUNTIME_MAP_DIR + "/" + name;
        int type = (int) scanHex(view, dir + "/type");
        return new EfiMemoryDescriptor(name, type, scanHex(view, dir + "/phys_addr"),
                scanHex(view, dir + "/virt_addr"), scanHex(view, dir + "/num_pages"),
                scanHex(view, dir + "/attribute"));
    }

    // fscanf "0x%llx": the literal 0x at the very start, then a number as strtoull reads it in base 16.
    private static long scanHex(SystemView view, String path) {
        if (!view.exists(path)) {
            throw new HandoffException(FailureKind.MALFORMED_PROFILE, path + ": missing from the EFI runtime map entry");
        }
        String text = view.readString(path);
        Optional<Long> value = text.startsWith("0x") ? strtoull(text.substring(2), true) : Optional.empty();
        return value.orElseThrow(() -> new HandoffException(FailureKind.MALFORMED_PROFILE, path
                + ": expected 0x and a hexadecimal number, found \"" + firstLine(text) + "\""));
    }

    // kexec-tools' get_efi_value: the first fgets line containing the pattern; a missing file is a problem.
    private static long value(SystemView view, String path, String pattern, List<String> problems) {
        if (!view.exists(path)) {
            if (!problems.contains(path + " missing")) {
                problems.add(path + " missing");
            }
            return 0;
        }
        for (String line : fgetsLines(view.readString(path))) {
            int at = line.indexOf(pattern);
            if (at < 0) {
                continue;
            }
            long v = strtoull(line.substring(at + pattern.length()), false).orElse(0L);
            if (v == -1L) {
                problems.add(path + ": the value after \"" + pattern + "\" is all ones or too large for 64 bits");
            }
            return v;
        }
        return 0;
    }

    /** Split text the way successive {@code fgets} calls with a 1024-byte buffer return it. */
    static List<String> fgetsLines(String text) {
        List<String> lines = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int nl = text.indexOf('\n', i);
            int end = nl < 0 ? text.length() : nl + 1;
            end = Math.min(end, i + FGETS_LINE);
            lines.add(text.substring(i, end));
            i = end;
        }
        return lines;
    }

    /**
     * Read a number as {@code strtoull(s, &end, 16)} does: leading blanks, an optional sign, an optional
     * {@code 0x} before a hexadecimal digit, then digits; a value too large is all ones, a minus negates.
     *
     * @param s the text
     * @param requireDigits whether no digit is a failure (scanf's {@code %x}) rather than 0 (strtoull)
     * @return the value, empty when there is no digit and {@code requireDigits}
     */
    static Optional<Long> strtoull(String s, boolean requireDigits) {
        int i = 0;
        while (i < s.length() && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (i + 2 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                && Character.digit(s.charAt(i + 2), 16) >= 0) {
            i += 2;
        }
        long value = 0;
        boolean overflow = false;
        int digits = 0;
        while (i < s.length() && Character.digit(s.charAt(i), 16) >= 0 && s.charAt(i) < 128) {
            if (Long.compareUnsigned(value, 0x0FFF_FFFF_FFFF_FFFFL) > 0) {
                overflow = true;
            }
            value = (value << 4) | Character.digit(s.charAt(i), 16);
            digits++;
            i++;
        }
        if (digits == 0) {
            return requireDigits ? Optional.empty() : Optional.of(0L);
        }
        if (overflow) {
            return Optional.of(-1L);
        }
        return Optional.of(negative ? -value : value);
    }

    private static int platformSize(SystemView view) {
        String path = MachinePaths.EFI_DIR + "/fw_platform_size";
        if (!view.exists(path)) {
            return 0;
        }
        String line = firstLine(view.readString(path)).strip();
        try {
            return Integer.parseInt(line);
        } catch (NumberFormatException e) {
            throw new HandoffException(FailureKind.MALFORMED_PROFILE, path + ": expected 64 or 32, found \"" + line
                    + "\"", e);
        }
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.length() > 60 ? line.substring(0, 60) + "…" : line;
    }
}
