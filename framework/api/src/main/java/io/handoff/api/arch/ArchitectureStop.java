package io.handoff.api.arch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the CPU left purgatory through an architecture operation: a jump into the next kernel with its registers,
 * or another ending the architecture has (a disabled wait, a re-IPL of a dump tool).
 *
 * @param stepKind the code of the step kind that ended the run
 * @param jumped whether the CPU entered a kernel (at {@code entry}, with {@code registers})
 * @param entry the address entered, when it jumped
 * @param registers the registers it set, by the architecture's names, in order
 * @param code a number the ending carries (a wait code), else 0
 * @param data bytes the ending carries (an IPL parameter block), else empty
 * @param description one line for traces, such as {@code "loaded the PSW 0x... 0x10010"}
 * @since 0.2
 */
public record ArchitectureStop(int stepKind, boolean jumped, long entry, Map<String, Long> registers, long code,
                               byte[] data, String description) {
    public ArchitectureStop {
        registers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(registers));
        data = data.clone();
        Objects.requireNonNull(description, "description");
    }

    /** Return a jump into a kernel. */
    public static ArchitectureStop jump(int stepKind, long entry, Map<String, Long> registers, String description) {
        return new ArchitectureStop(stepKind, true, entry, registers, 0, new byte[0], description);
    }

    /** Return an ending that enters no kernel. */
    public static ArchitectureStop other(int stepKind, long code, byte[] data, String description) {
        return new ArchitectureStop(stepKind, false, 0, Map.of(), code, data, description);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
