package io.handoff.core.system;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.CrashNote;
import io.handoff.api.machine.SystemView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads each CPU's crash-notes buffer from {@code /sys/devices/system/cpu/cpuN/crash_notes{,_size}}.
 *
 * <p>{@code crash_notes} is a physical address in hexadecimal without a prefix ({@code 0x} is tolerated,
 * as by kexec-tools' {@code %llx}); {@code crash_notes_size} is decimal and defaults to
 * {@value #DEFAULT_SIZE} when absent (kernels before 4.9). A CPU directory without {@code crash_notes}
 * is skipped, as kexec-tools skips a CPU that is not present.
 */
public final class CrashNotesReader {
    /** kexec-tools' MAX_NOTE_BYTES, the size assumed when {@code crash_notes_size} is absent. */
    public static final long DEFAULT_SIZE = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(CrashNotesReader.class);
    private static final Pattern CPU = Pattern.compile("cpu[0-9]{1,9}");

    private CrashNotesReader() {
    }

    /**
     * Read the crash notes of every CPU that has them, by CPU number.
     *
     * @param view the machine to read, never {@code null}
     * @return the notes ordered by CPU number
     * @throws HandoffException {@code UNREADABLE_FILE} when {@code /sys/devices/system/cpu} is missing
     *     (sysfs not mounted), {@code MALFORMED_PROFILE} for a bad number
     */
    public static List<CrashNote> read(SystemView view) {
        if (!view.exists(MachinePaths.CPU_DIR)) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, MachinePaths.CPU_DIR
                    + ": no such directory under " + view.root() + " (is sysfs mounted?)");
        }
        List<Integer> cpus = view.list(MachinePaths.CPU_DIR).stream()
                .filter(n -> CPU.matcher(n).matches())
                .map(n -> Integer.parseInt(n.substring(3)))
                .sorted(Comparator.naturalOrder())
                .toList();
        List<CrashNote> out = new ArrayList<>(cpus.size());
        for (int cpu : cpus) {
            String dir = MachinePaths.cpuDir(cpu);
            String notesPath = dir + "/crash_notes";
            if (!view.exists(notesPath)) {
                LOG.debug("{}: no crash_notes, CPU skipped", dir);
                continue;
            }
            long address = Numbers.hex(Numbers.firstLine(view.readString(notesPath)), true, notesPath);
            String sizePath = dir + "/crash_notes_size";
            long size = view.exists(sizePath)
                    ? Numbers.decimal(Numbers.firstLine(view.readString(sizePath)), sizePath)
                    : DEFAULT_SIZE;
            out.add(new CrashNote(cpu, address, size));
        }
        return List.copyOf(out);
    }
}
