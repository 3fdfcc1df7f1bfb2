package io.handoff.core.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the running kernel says about kexec: what is loaded, the crash reservation, and what forbids loading.
 *
 * @param supported whether the kernel has kexec at all ({@code /sys/kernel/kexec_loaded} exists)
 * @param loaded an image for {@code reboot(LINUX_REBOOT_CMD_KEXEC)} is loaded
 * @param crashLoaded a capture kernel is loaded (kdump armed)
 * @param crashSize bytes reserved for the capture kernel ({@code /sys/kernel/kexec_crash_size}), 0 if none or unknown
 * @param lockdown the kernel lockdown mode ({@code none}, {@code integrity}, {@code confidentiality}), when
 *     securityfs shows it
 * @param loadDisabled {@code /proc/sys/kernel/kexec_load_disabled}, when the kernel has it
 */
public record KexecStatus(boolean supported, boolean loaded, boolean crashLoaded, long crashSize,
                          Optional<String> lockdown, Optional<Boolean> loadDisabled) {
    /** Where the files are, relative to the machine root. */
    public static final String KEXEC_LOADED = "sys/kernel/kexec_loaded";
    /** 1 when a capture kernel is loaded. */
    public static final String KEXEC_CRASH_LOADED = "sys/kernel/kexec_crash_loaded";
    /** The crash reservation in bytes. */
    public static final String KEXEC_CRASH_SIZE = "sys/kernel/kexec_crash_size";
    /** e.g. {@code none [integrity] confidentiality}. */
    public static final String LOCKDOWN = "sys/kernel/security/lockdown";
    /** 1 once kexec_load has been disabled until reboot. */
    public static final String LOAD_DISABLED = "proc/sys/kernel/kexec_load_disabled";

    private static final Pattern SELECTED = Pattern.compile("\\[([a-z]+)\\]");

    /** Read the status of the machine at {@code root} ({@code /} or a profile directory). */
    public static KexecStatus read(Path root) {
        Optional<String> loaded = text(root, KEXEC_LOADED);
        Optional<String> lockdown = text(root, LOCKDOWN).flatMap(KexecStatus::selectedLockdown);
        return new KexecStatus(loaded.isPresent(), loaded.map("1"::equals).orElse(false),
                text(root, KEXEC_CRASH_LOADED).map("1"::equals).orElse(false),
                text(root, KEXEC_CRASH_SIZE).flatMap(KexecStatus::number).orElse(0L),
                lockdown, text(root, LOAD_DISABLED).map(v -> !"0".equals(v)));
    }

    /** Return the mode in brackets of a lockdown file such as {@code none [integrity] confidentiality}. */
    static Optional<String> selectedLockdown(String content) {
        Matcher m = SELECTED.matcher(content);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Return whether lockdown forbids {@code kexec_load} (any mode but {@code none}). */
    public boolean lockedDown() {
        return lockdown.filter(mode -> !"none".equals(mode)).isPresent();
    }

    private static Optional<String> text(Path root, String relative) {
        Path file = root.resolve(relative);
        try {
            return Files.isReadable(file) ? Optional.of(Files.readString(file, StandardCharsets.US_ASCII).trim())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> number(String s) {
        try {
            return Optional.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
