package com.example.handoff.toyarch;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A toyarch kernel image ("TOYK"): a 32-byte little-endian header, then the code, loaded as one piece.
 *
 * <pre>
 *   0x00  4  magic "TOYK"
 *   0x04  4  version, 1
 *   0x08  8  entry offset: where the kernel starts, from the start of the file (inside the file)
 *   0x10  8  memsz: the memory the kernel occupies, file and zeroed bss (at least the file's size)
 *   0x18  8  reserved, 0
 * </pre>
 *
 * @param file the image
 * @param size its size in bytes
 * @param entryOffset the entry offset
 * @param memsz the memory it needs
 */
record ToyKernel(Path file, long size, long entryOffset, long memsz) {
    /** The format's name, as {@code handoff platforms} lists it. */
    static final String FORMAT = "toyk";
    static final int HEADER_SIZE = 32;
    static final byte[] MAGIC = "TOYK".getBytes(StandardCharsets.US_ASCII);

    /** Read and check the header of a kernel file; anything that is not a TOYK image is refused by name. */
    static ToyKernel parse(Path file) {
        byte[] head = new byte[HEADER_SIZE];
        long size;
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            n = in.readNBytes(head, 0, HEADER_SIZE);
        } catch (NoSuchFileException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": no such file", e);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": cannot read: " + e.getMessage(), e);
        }
        if (n < MAGIC.length || !java.util.Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw unsupported(file, "not a toyarch kernel: no \"TOYK\" magic at offset 0 (toyarch loads TOYK images "
                    + "only)");
        }
        if (n < HEADER_SIZE) {
            throw unsupported(file, "truncated TOYK header: " + n + " of " + HEADER_SIZE + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.getInt(4);
        long entry = b.getLong(8);
        long memsz = b.getLong(16);
        if (version != 1) {
            throw unsupported(file, "TOYK version " + version + ", toyarch knows version 1");
        }
        if (entry < HEADER_SIZE || entry >= size) {
            throw unsupported(file, String.format("TOYK entry offset %#x is outside the code (%#x..%#x)", entry,
                    HEADER_SIZE, size));
        }
        if (Long.compareUnsigned(memsz, size) < 0 || memsz > (1L << 40)) {
            throw unsupported(file, String.format("TOYK memsz %#x is smaller than the file (%#x bytes)", memsz, size));
        }
        return new ToyKernel(file, size, entry, memsz);
    }

    private static HandoffException unsupported(Path file, String why) {
        return new HandoffException(FailureKind.UNSUPPORTED_IMAGE, file + ": " + why);
    }
}
