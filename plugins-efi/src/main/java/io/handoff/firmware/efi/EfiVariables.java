package io.handoff.firmware.efi;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * UEFI variables through efivarfs ({@code /sys/firmware/efi/efivars/Name-GUID}: 4 bytes of attributes, then the
 * data, written in one {@code write}).
 *
 * <p>Linux creates variables of GUIDs it does not know immutable; they are made mutable with {@code chattr -i}
 * before they are rewritten or deleted.
 */
final class EfiVariables {
    /** EFI_GLOBAL_VARIABLE: Boot####, BootNext, BootOrder. */
    static final String GLOBAL = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
    /** handoff's own vendor GUID. */
    static final String HANDOFF = "3d1300c0-6df2-4c98-bd64-ac92e6d281fd";
    /** The TCG memory-overwrite request's GUID (MemoryOverwriteRequestControl). */
    static final String MOR = "e20939be-32d4-41be-a150-897f85d49829";
    /** Non-volatile, boot-service and runtime access. */
    static final int NV_BS_RT = 0x7;

    private final Path dir;

    EfiVariables(Path dir) {
        this.dir = dir;
    }

    /** Return the variables of the machine rooted at {@code root}, or fail with how to mount efivarfs. */
    static EfiVariables of(Path root) {
        Path dir = root.resolve("sys/firmware/efi/efivars");
        if (!Files.isDirectory(dir)) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, dir + ": no efivarfs (mount -t efivarfs efivarfs "
                    + "/sys/firmware/efi/efivars)");
        }
        // sysfs keeps the mount point when efivarfs is not mounted; firmware always has variables (BootOrder, ...)
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                throw new HandoffException(FailureKind.NOT_AVAILABLE, dir + ": empty: efivarfs is not mounted (mount -t "
                        + "efivarfs efivarfs /sys/firmware/efi/efivars)");
            }
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, dir + ": " + reason(e));
        }
        return new EfiVariables(dir);
    }

    /** Return the efivarfs directory. */
    Path dir() {
        return dir;
    }

    /** Return a variable's data (without the attributes), if it exists. */
    Optional<byte[]> read(String name, String guid) {
        Path file = file(name, guid);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            byte[] all = Files.readAllBytes(file);
            if (all.length < 4) {
                throw new HandoffException(FailureKind.MALFORMED_PROFILE, file + ": " + all.length
                        + " bytes, fewer than the 4 of the attributes");
            }
            return Optional.of(Arrays.copyOfRange(all, 4, all.length));
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": " + reason(e));
        }
    }

    /** Write (create or replace) a variable in one write. */
    void write(String name, String guid, int attributes, byte[] data) {
        Path file = file(name, guid);
        mutable(file);
        byte[] all = ByteBuffer.allocate(4 + data.length).order(ByteOrder.LITTLE_ENDIAN).putInt(attributes).put(data)
                .array();
        try {
            Files.write(file, all);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.OUTPUT, file + ": cannot write the EFI variable: " + reason(e)
                    + (e.getMessage() != null && e.getMessage().contains("No space") ? " (the firmware's variable "
                    + "store is full)" : ""));
        }
    }

    /** What went wrong, without repeating the path a {@link java.nio.file.FileSystemException} carries. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Delete a variable; true when it existed. */
    boolean delete(String name, String guid) {
        Path file = file(name, guid);
        if (!Files.exists(file)) {
            return false;
        }
        mutable(file);
        try {
            Files.delete(file);
            return true;
        } catch (IOException e) {
            throw new HandoffException(FailureKind.OUTPUT, file + ": cannot delete the EFI variable: " + e.getMessage());
        }
    }

    /** Return the names of the variables of one GUID that start with a prefix, sorted. */
    List<String> names(String prefix, String guid) {
        String suffix = "-" + guid;
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(prefix) && n.endsWith(suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length())).sorted().toList();
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, dir + ": " + e.getMessage());
        }
    }

    private Path file(String name, String guid) {
        return dir.resolve(name + "-" + guid);
    }

    // efivarfs marks variables it does not know immutable; a file elsewhere (a test's directory) never is
    private static void mutable(Path file) {
        if (!Files.exists(file) || !file.toString().startsWith("/sys/firmware/efi/efivars/")) {
            return;
        }
        try {
            Process p = new ProcessBuilder("chattr", "-i", file.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new HandoffException(FailureKind.OUTPUT, file + ": chattr -i failed; the variable stays immutable");
            }
        } catch (IOException e) {
            throw new HandoffException(FailureKind.OUTPUT, file + ": cannot run chattr -i: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HandoffException(FailureKind.OUTPUT, file + ": interrupted during chattr -i");
        }
    }
}
