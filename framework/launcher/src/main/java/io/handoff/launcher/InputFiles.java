package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks on the kernel and initrd files a command is given, before any costly work.
 */
final class InputFiles {
    private InputFiles() {
    }

    /**
     * Require a readable regular file; an initrd must also not be empty (no platform can load 0 bytes).
     *
     * @param file the file
     * @param what {@code kernel} or {@code initrd}, named in the message
     * @throws HandoffException {@code UNREADABLE_FILE} naming the file
     */
    static void requireReadable(Path file, String what) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE,
                    file + ": cannot read the " + what + (Files.exists(file) ? " (not a readable file)" : " (no such file)"));
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": cannot read the " + what + ": "
                    + e.getMessage(), e);
        }
        if (size == 0) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": the " + what + " is empty (0 bytes);"
                    + " refused" + ("initrd".equals(what) ? ": pass a real initramfs, or no --initrd" : ""));
        }
    }
}
