package io.handoff.core.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A synthetic purgatory image for tests: a valid 64-byte FORMAT.md header followed by zeros, shaped like the
 * image kexec-tools loads on x86_64 (0x70e0 bytes of blob, 0x9000 in memory).
 */
public final class SyntheticPurgatory {
    /** The entry offset of {@link #blob()}: kexec-tools' purgatory_start in the reference plan. */
    public static final int ENTRY = 0x760;
    /** The parameter area offset of {@link #blob()}. */
    public static final int PARAM_OFFSET = 0x1000;
    /** The parameter area size of {@link #blob()}. */
    public static final int PARAM_SIZE = 0x4000;
    /** The image size of {@link #blob()}. */
    public static final int IMAGE_SIZE = 0x9000;
    /** The blob length of {@link #blob()}. */
    public static final int BLOB_LENGTH = 0x70e0;

    private SyntheticPurgatory() {
    }

    /** Return a little-endian x86_64 image: entry 0x760, parameters 0x1000+0x4000, 0x9000 bytes. */
    public static byte[] blob() {
        return blob(ByteOrder.LITTLE_ENDIAN, ENTRY, PARAM_OFFSET, PARAM_SIZE, IMAGE_SIZE, 62, BLOB_LENGTH);
    }

    /** Return an image with the given header fields (stack 0x1000), {@code length} bytes long, zeros after the header. */
    public static byte[] blob(ByteOrder order, int entry, int paramOffset, int paramSize, int imageSize, int arch,
                              int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(order);
        b.putInt(0x47504F48).putShort((short) 1).putShort((short) 64).putInt(entry).putInt(paramOffset)
                .putInt(paramSize).putInt(0x1000).putInt(imageSize).putInt(arch);
        return b.array();
    }
}
