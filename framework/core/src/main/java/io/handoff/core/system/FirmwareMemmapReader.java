package io.handoff.core.system;

import io.handoff.api.machine.FirmwareMemmapEntry;
import io.handoff.api.machine.SystemView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the firmware memory map of {@code /sys/firmware/memmap/N/{start,end,type}}.
 *
 * <p>The directories are taken in numeric order (0, 1, 2, ..., 10), not in the lexical order of their
 * names; {@code start} and {@code end} are {@code 0x}-prefixed hexadecimal, {@code type} is a name.
 */
public final class FirmwareMemmapReader {
    private static final Logger LOG = LoggerFactory.getLogger(FirmwareMemmapReader.class);

    private FirmwareMemmapReader() {
    }

    /**
     * Read every entry of the firmware memory map.
     *
     * @param view the machine to read, never {@code null}
     * @return the entries by index, or an empty list when the machine has no {@code /sys/firmware/memmap}
     * @throws io.handoff.api.HandoffException {@code UNREADABLE_FILE} when an entry lacks a file,
     *     {@code MALFORMED_PROFILE} for a bad number or an inverted range
     */
    public static List<FirmwareMemmapEntry> read(SystemView view) {
        List<Integer> indices = new ArrayList<>();
        for (String name : view.list(MachinePaths.FIRMWARE_MEMMAP_DIR)) {
            if (isIndex(name)) {
                indices.add(Integer.parseInt(name));
            } else {
                LOG.debug("{}: ignoring non-numeric entry {}", MachinePaths.FIRMWARE_MEMMAP_DIR, name);
            }
        }
        indices.sort(Comparator.naturalOrder());
        List<FirmwareMemmapEntry> out = new ArrayList<>(indices.size());
        for (int index : indices) {
            out.add(readEntry(view, index));
        }
        return List.copyOf(out);
    }

    private static FirmwareMemmapEntry readEntry(SystemView view, int index) {
        String dir = MachinePaths.memmapDir(index);
        String startPath = dir + "/start";
        String endPath = dir + "/end";
        long start = Numbers.hexOrDecimal(Numbers.firstLine(view.readString(startPath)), startPath);
        long end = Numbers.hexOrDecimal(Numbers.firstLine(view.readString(endPath)), endPath);
        if (end < start) {
            throw Numbers.malformed(dir, String.format("inverted range %#x-%#x", start, end));
        }
        String type = stripNewlines(view.readString(dir + "/type"));
        return new FirmwareMemmapEntry(index, start, end, type);
    }

    private static boolean isIndex(String name) {
        return !name.isEmpty() && name.length() < 10 && name.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String stripNewlines(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\n') {
            end--;
        }
        return s.substring(0, end);
    }
}
