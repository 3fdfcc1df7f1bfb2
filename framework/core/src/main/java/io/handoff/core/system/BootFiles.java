package io.handoff.core.system;

import io.handoff.api.machine.SystemView;
import java.util.Optional;

/**
 * Reads the running kernel's boot inputs: {@code /proc/cmdline} and x86's {@code /sys/kernel/boot_params/data}.
 */
public final class BootFiles {
    /** Upper bound for boot_params/data: the x86 zero page is 4 KiB, this leaves room for growth. */
    static final int BOOT_PARAMS_LIMIT = 64 * 1024;

    private BootFiles() {
    }

    /** Return the raw bytes of {@link MachinePaths#BOOT_PARAMS_DATA}, or empty when absent (non-x86). */
    public static Optional<byte[]> bootParams(SystemView view) {
        if (!view.exists(MachinePaths.BOOT_PARAMS_DATA)) {
            return Optional.empty();
        }
        return Optional.of(view.readBytes(MachinePaths.BOOT_PARAMS_DATA, BOOT_PARAMS_LIMIT));
    }

    /** Return {@link MachinePaths#CMDLINE} without its trailing newline. */
    public static String commandLine(SystemView view) {
        return commandLine(view.readString(MachinePaths.CMDLINE));
    }

    /** Return the text of a cmdline file without its trailing newline(s). */
    public static String commandLine(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }
}
