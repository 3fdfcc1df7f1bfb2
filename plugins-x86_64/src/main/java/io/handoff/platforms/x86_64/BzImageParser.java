package io.handoff.platforms.x86_64;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.support.FileSlices;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads and checks a bzImage's setup header as kexec-tools' {@code bzImage64_probe} and load do.
 *
 * <p>Only the first page of the file is read ({@link FileSlices#read}); the kernel itself is never
 * brought into the heap. Checks run in a fixed order so the first problem found is the one reported.
 *
 * @since 0.1
 */
public final class BzImageParser {
    /** The bytes read from the start of the image: the boot sector and the whole setup header fit. */
    static final int HEAD = 4096;
    private static final int MIN_LENGTH = 1024;
    private static final int MIN_PROTOCOL = 0x020C;
    private static final int HDRS = 0x53726448; // "HdrS" little-endian

    private BzImageParser() {
    }

    /**
     * Parse the image's setup header.
     *
     * @param kernel the bzImage file
     * @return its header facts
     * @throws HandoffException {@code UNREADABLE_FILE} when it cannot be read, {@code UNSUPPORTED_IMAGE}
     *     when it is no 64-bit relocatable bzImage or is truncated
     */
    public static BzImage parse(Path kernel) {
        long size = FileSlices.size(kernel);
        ByteBuffer head = ByteBuffer.wrap(FileSlices.read(kernel, 0, HEAD)).order(ByteOrder.LITTLE_ENDIAN);
        return parse(kernel, size, head);
    }

    /** Check a header already read; {@code head} holds the first bytes of a file of {@code size} bytes. */
    static BzImage parse(Path kernel, long size, ByteBuffer head) {
        ByteBuffer b = head.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (size < MIN_LENGTH || b.limit() < MIN_LENGTH) {
            throw bad(kernel, "truncated: %d bytes, a bzImage has at least %d", size, MIN_LENGTH);
        }
        int bootFlag = u16(b, 0x1FE);
        if (bootFlag != 0xAA55) {
            throw bad(kernel, "no x86 boot sector: boot_flag at 0x1fe is %#06x, expected 0xaa55", bootFlag);
        }
        if (b.getInt(0x202) != HDRS) {
            throw bad(kernel, "not a bzImage: no \"HdrS\" signature at 0x202");
        }
        int version = u16(b, 0x206);
        if (version < MIN_PROTOCOL) {
            throw bad(kernel, "boot protocol %d.%02d too old; 64-bit loading needs 2.12", version >> 8, version & 0xFF);
        }
        int xloadFlags = u16(b, 0x236);
        if ((xloadFlags & BzImage.XLF_KERNEL_64) == 0) {
            throw bad(kernel, "32-bit only kernel: xloadflags %#x lacks XLF_KERNEL_64", xloadFlags);
        }
        if ((xloadFlags & BzImage.XLF_CAN_BE_LOADED_ABOVE_4G) == 0) {
            throw bad(kernel, "32-bit only kernel: xloadflags %#x lacks XLF_CAN_BE_LOADED_ABOVE_4G", xloadFlags);
        }
        int loadFlags = u8(b, 0x211);
        if ((loadFlags & BzImage.LOADED_HIGH) == 0) {
            throw bad(kernel, "zImage, not a bzImage: loadflags %#x lacks LOADED_HIGH", loadFlags);
        }
        int setupSects = u8(b, 0x1F1);
        if (setupSects == 0) {
            setupSects = 4; // boot.rst: 0 means 4
        }
        long kern16 = (setupSects + 1L) * 512;
        if (size <= kern16) {
            throw bad(kernel, "truncated: %d bytes, setup_sects %d puts the kernel at offset %d", size, setupSects,
                    kern16);
        }
        long syssize = u32(b, 0x1F4);
        long expected = kern16 + syssize * 16;
        if (size < expected) {
            throw bad(kernel, "truncated: %d bytes, setup_sects %d and syssize %#x need %d", size, setupSects, syssize,
                    expected);
        }
        long alignment = u32(b, 0x230);
        if (Long.bitCount(alignment) != 1) {
            throw bad(kernel, "kernel_alignment %#x at 0x230 is not a power of two", alignment);
        }
        int headerEnd = 0x202 + u8(b, 0x201);
        int headerLength = Math.min(headerEnd - BzImage.SETUP_HEADER_OFFSET, BzImage.SETUP_HEADER_MAX);
        byte[] header = Arrays.copyOfRange(b.array(), b.arrayOffset() + BzImage.SETUP_HEADER_OFFSET,
                b.arrayOffset() + BzImage.SETUP_HEADER_OFFSET + headerLength);
        return new BzImage(kernel, size, setupSects, syssize, version, loadFlags, xloadFlags, u32(b, 0x22C), alignment,
                u8(b, 0x234) != 0, u8(b, 0x235), u32(b, 0x238), u32(b, 0x23C), b.getLong(0x258), u32(b, 0x260),
                u32(b, 0x264), headerEnd, header);
    }

    private static int u8(ByteBuffer b, int offset) {
        return Byte.toUnsignedInt(b.get(offset));
    }

    private static int u16(ByteBuffer b, int offset) {
        return Short.toUnsignedInt(b.getShort(offset));
    }

    private static long u32(ByteBuffer b, int offset) {
        return Integer.toUnsignedLong(b.getInt(offset));
    }

    private static HandoffException bad(Path kernel, String format, Object... args) {
        return new HandoffException(FailureKind.UNSUPPORTED_IMAGE, kernel + ": " + String.format(format, args));
    }
}
