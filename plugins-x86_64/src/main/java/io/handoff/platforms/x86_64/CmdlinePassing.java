package io.handoff.platforms.x86_64;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.spi.MemoryMapPassing;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.BootParameters;
import io.handoff.api.plan.CaptureMemoryMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;

/**
 * Passes the capture kernel's memory map on its command line, as kexec-tools' {@code --pass-memmap-cmdline}.
 *
 * <p>Appends {@code memmap=exactmap}, then one {@code memmap=<size>K<sep><start>K} per range: {@code @} RAM,
 * {@code #} ACPI and NVS, {@code !} legacy persistent memory. Reserved and other ranges are not emitted, RAM
 * under 100 KiB is skipped (it costs command line for little), start and end are truncated to KiB and an ACPI
 * range's end is rounded up. A line that would outgrow the kernel's limit is refused as a whole.
 *
 * @since 0.1
 */
@Extension
public final class CmdlinePassing implements MemoryMapPassing {
    /** The id used in configuration ({@code handoff.platforms.x86_64.memmap}) and {@code --memmap}. */
    public static final String ID = "cmdline";
    /** RAM smaller than this many KiB is left out ({@code min_sizek}). */
    public static final long MIN_RAM_KIB = 100;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void pass(CaptureMemoryMap map, BootParameters target) {
        List<String> words = words(map);
        int length = target.commandLine().getBytes(StandardCharsets.UTF_8).length;
        for (String w : words) {
            length += 1 + w.length();
        }
        if (length > target.commandLineLimit()) {
            throw new HandoffException(FailureKind.COMMAND_LINE_TOO_LONG, String.format(
                    "memmap=cmdline: command line is %d bytes with memmap= for %d ranges; this kernel takes at most "
                            + "%d (use memmap = e820)", length, words.size() - 1, target.commandLineLimit()));
        }
        words.forEach(target::appendCommandLine);
    }

    /** Return the words appended for a map: {@code memmap=exactmap} and one per emitted range. */
    public static List<String> words(CaptureMemoryMap map) {
        List<String> words = new ArrayList<>();
        words.add("memmap=exactmap");
        for (MemoryRange r : map.ranges()) {
            String separator = separator(r.type());
            if (separator == null) {
                continue;
            }
            long startK = r.start() / 1024;
            long endK = (r.end() + 1) / 1024;
            if (r.type() == RangeType.ACPI || r.type() == RangeType.ACPI_NVS) {
                endK = CrashMemory.align(r.end() + 1, 1024) / 1024; // never cut off the tail of a table
            }
            if (r.type() == RangeType.RAM && endK - startK < MIN_RAM_KIB) {
                continue;
            }
            words.add("memmap=" + (endK - startK) + separator + startK + "K");
        }
        return words;
    }

    // kexec-tools would print "K$" for reserved ranges but never emits them; they are filtered before.
    private static String separator(RangeType type) {
        return switch (type) {
            case RAM -> "K@";
            case ACPI, ACPI_NVS -> "K#";
            case PRAM -> "K!";
            default -> null;
        };
    }
}
