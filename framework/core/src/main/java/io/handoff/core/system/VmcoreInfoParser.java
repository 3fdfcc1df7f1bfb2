package io.handoff.core.system;

import io.handoff.api.machine.SystemView;
import io.handoff.api.machine.VmcoreInfo;
import java.util.Optional;

/**
 * Parses {@code /sys/kernel/vmcoreinfo}: the note's physical address and size, <em>both</em> hexadecimal.
 *
 * <p>The kernel prints the size with {@code %x} and no prefix, so {@code 0x00000000011f2000 1024} is a
 * note of 0x1024 bytes; kexec-tools reads the line with {@code "%llx %llx"}.
 */
public final class VmcoreInfoParser {
    private VmcoreInfoParser() {
    }

    /** Read {@link MachinePaths#VMCOREINFO}, or return empty when the kernel exports none. */
    public static Optional<VmcoreInfo> read(SystemView view) {
        if (!view.exists(MachinePaths.VMCOREINFO)) {
            return Optional.empty();
        }
        return Optional.of(parse(view.readString(MachinePaths.VMCOREINFO), MachinePaths.VMCOREINFO));
    }

    /**
     * Parse the file's text.
     *
     * @param text the content, {@code "<address> <size>\n"}
     * @param machinePath the path named in error messages
     * @return the note location
     * @throws io.handoff.api.HandoffException {@code MALFORMED_PROFILE} unless the line holds two hex numbers
     */
    public static VmcoreInfo parse(String text, String machinePath) {
        String line = Numbers.firstLine(text);
        String[] fields = line.split("\\s+");
        if (fields.length != 2) {
            throw Numbers.malformed(machinePath + " line 1", "expected '<address> <size>', got '" + line + "'");
        }
        String where = machinePath + " line 1";
        return new VmcoreInfo(Numbers.hex(fields[0], true, where), Numbers.hex(fields[1], true, where));
    }
}
