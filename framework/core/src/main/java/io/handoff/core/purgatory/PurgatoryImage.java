package io.handoff.core.purgatory;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A purgatory image: the flat blob of {@code framework/purgatory/FORMAT.md} §1 and its checked 64-byte header.
 *
 * @param order the target's byte order, which the header is read in
 * @param version the format version (1)
 * @param entryOffset offset of the entry point from the load address
 * @param paramOffset offset of the parameter area (8-byte aligned)
 * @param paramSize bytes reserved for the parameter area
 * @param stackSize bytes of stack inside the image
 * @param imageSize bytes the image occupies in memory, bss included
 * @param arch the ELF machine it was built for (0 = a host build)
 * @param blob the blob's bytes as shipped (at most {@code imageSize})
 * @since 0.1
 */
public record PurgatoryImage(ByteOrder order, int version, long entryOffset, long paramOffset, long paramSize,
                             long stackSize, long imageSize, int arch, byte[] blob) {
    /** The header magic, "HOPG" in little-endian byte order. */
    public static final int MAGIC = 0x47504F48;
    /** The only format version this framework writes programs for. */
    public static final int VERSION = 1;
    /** The size of the header. */
    public static final int HEADER_SIZE = 64;

    public PurgatoryImage {
        Objects.requireNonNull(order, "order");
        blob = blob.clone();
    }

    /**
     * Read and check a purgatory image.
     *
     * @param blob the image's bytes
     * @param source where they came from, for messages (a resource or file name)
     * @param order the target's byte order
     * @return the image
     * @throws HandoffException {@code UNSUPPORTED_IMAGE} naming the source and the field for a bad header
     */
    public static PurgatoryImage read(byte[] blob, String source, ByteOrder order) {
        if (blob.length < HEADER_SIZE) {
            throw bad(source, 0, "image_size", String.format("only %d bytes, shorter than the %d-byte header",
                    blob.length, HEADER_SIZE));
        }
        ByteBuffer b = ByteBuffer.wrap(blob).order(order);
        int magic = b.getInt(0x00);
        if (magic != MAGIC) {
            throw bad(source, 0x00, "magic", String.format("%#010x, expected %#010x (\"HOPG\" in %s order)", magic,
                    MAGIC, order == ByteOrder.LITTLE_ENDIAN ? "little-endian" : "big-endian"));
        }
        int version = Short.toUnsignedInt(b.getShort(0x04));
        if (version != VERSION) {
            throw bad(source, 0x04, "version", version + ", this framework writes version " + VERSION);
        }
        int headerSize = Short.toUnsignedInt(b.getShort(0x06));
        if (headerSize != HEADER_SIZE) {
            throw bad(source, 0x06, "header_size", headerSize + ", expected " + HEADER_SIZE);
        }
        long entry = Integer.toUnsignedLong(b.getInt(0x08));
        long paramOffset = Integer.toUnsignedLong(b.getInt(0x0C));
        long paramSize = Integer.toUnsignedLong(b.getInt(0x10));
        long stack = Integer.toUnsignedLong(b.getInt(0x14));
        long imageSize = Integer.toUnsignedLong(b.getInt(0x18));
        int arch = b.getInt(0x1C);
        if (imageSize < blob.length) {
            throw bad(source, 0x18, "image_size", String.format("%#x is smaller than the blob (%#x bytes)",
                    imageSize, blob.length));
        }
        if (entry < HEADER_SIZE || entry >= imageSize) {
            throw bad(source, 0x08, "entry_offset", String.format("%#x is outside the code [%#x, %#x)", entry,
                    HEADER_SIZE, imageSize));
        }
        if (paramOffset % 8 != 0) {
            throw bad(source, 0x0C, "param_offset", String.format("%#x is not 8-byte aligned", paramOffset));
        }
        if (paramOffset < HEADER_SIZE || paramOffset + paramSize > imageSize) {
            throw bad(source, 0x0C, "param_offset", String.format("parameter area %#x+%#x is not inside [%#x, %#x)",
                    paramOffset, paramSize, HEADER_SIZE, imageSize));
        }
        if (paramSize < StepEncoder.AREA_HEADER_SIZE) {
            throw bad(source, 0x10, "param_size", String.format("%#x is smaller than the %d-byte program header",
                    paramSize, StepEncoder.AREA_HEADER_SIZE));
        }
        if (stack > imageSize) {
            throw bad(source, 0x14, "stack_size", String.format("%#x is larger than the image (%#x)", stack,
                    imageSize));
        }
        return new PurgatoryImage(order, version, entry, paramOffset, paramSize, stack, imageSize, arch, blob);
    }

    /** Return a copy of the blob. */
    @Override
    public byte[] blob() {
        return blob.clone();
    }

    /**
     * Return the bytes to load: the blob, extended with zeros when the parameter area lies past its end (in bss).
     *
     * @return a fresh array of at least {@code paramOffset + paramSize} bytes
     */
    public byte[] loadBytes() {
        return Arrays.copyOf(blob, (int) Math.max(blob.length, paramOffset + paramSize));
    }

    /** Compare by value, blob bytes included. */
    @Override
    public boolean equals(Object o) {
        return o instanceof PurgatoryImage p && p.order.equals(order) && p.version == version
                && p.entryOffset == entryOffset && p.paramOffset == paramOffset && p.paramSize == paramSize
                && p.stackSize == stackSize && p.imageSize == imageSize && p.arch == arch
                && Arrays.equals(p.blob, blob);
    }

    @Override
    public int hashCode() {
        return Objects.hash(order, version, entryOffset, paramOffset, paramSize, imageSize, arch,
                Arrays.hashCode(blob));
    }

    @Override
    public String toString() {
        return String.format("purgatory image v%d: entry %#x, parameters %#x+%#x, stack %#x, %#x bytes (%d in blob), "
                + "arch %d", version, entryOffset, paramOffset, paramSize, stackSize, imageSize, blob.length, arch);
    }

    private static HandoffException bad(String source, int offset, String field, String problem) {
        return new HandoffException(FailureKind.UNSUPPORTED_IMAGE, String.format(
                "%s: purgatory header offset %#x: %s %s", source, offset, field, problem));
    }
}
