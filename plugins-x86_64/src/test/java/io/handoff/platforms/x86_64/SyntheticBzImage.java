package io.handoff.platforms.x86_64;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Builds bzImage headers in tests: by default the header of Debian's 6.1 amd64 kernel (protocol 2.15,
 * setup_sects 39, relocatable, 64-bit, init_size 0x3f98000) with a small protected-mode part.
 */
final class SyntheticBzImage {
    static final int SETUP_SECTS = 39;
    static final long KERN16 = (SETUP_SECTS + 1) * 512L;
    static final int SYSSIZE = 0x100; // 4 KiB of protected-mode code

    final ByteBuffer head = ByteBuffer.allocate((int) KERN16).order(ByteOrder.LITTLE_ENDIAN);
    long length = KERN16 + SYSSIZE * 16L;

    SyntheticBzImage() {
        head.put(0x1F1, (byte) SETUP_SECTS);
        head.putInt(0x1F4, SYSSIZE);
        head.putShort(0x1FE, (short) 0xAA55);
        head.put(0x200, (byte) 0xEB).put(0x201, (byte) 0x6A); // header ends at 0x26C
        head.put(0x202, (byte) 'H').put(0x203, (byte) 'd').put(0x204, (byte) 'r').put(0x205, (byte) 'S');
        head.putShort(0x206, (short) 0x020F);
        head.put(0x211, (byte) 0x01);
        head.putInt(0x22C, 0x7FFFFFFF);
        head.putInt(0x230, 0x200000);
        head.put(0x234, (byte) 1).put(0x235, (byte) 21);
        head.putShort(0x236, (short) 0x7F);
        head.putInt(0x238, 2047);
        head.putLong(0x258, 0x1000000);
        head.putInt(0x260, 0x3F98000);
        head.putInt(0x264, 0x7C8DB0);
        head.put(0x26C, (byte) 0x8C); // past the header: must never reach the zero page
    }

    SyntheticBzImage u8(int offset, int value) {
        head.put(offset, (byte) value);
        return this;
    }

    SyntheticBzImage u16(int offset, int value) {
        head.putShort(offset, (short) value);
        return this;
    }

    SyntheticBzImage u32(int offset, long value) {
        head.putInt(offset, (int) value);
        return this;
    }

    SyntheticBzImage length(long bytes) {
        length = bytes;
        return this;
    }

    /** Write the image: the header, then the protected-mode part as a 0x5A pattern (or a sparse tail). */
    Path write(Path file) {
        try {
            byte[] bytes = new byte[(int) Math.min(length, KERN16 + SYSSIZE * 16L)];
            System.arraycopy(head.array(), 0, bytes, 0, (int) Math.min(bytes.length, KERN16));
            for (int i = (int) KERN16; i < bytes.length; i++) {
                bytes[i] = 0x5A;
            }
            Files.write(file, bytes);
            if (length > bytes.length) {
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(length);
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Return the real kernel named by HANDOFF_TEST_KERNEL (system property or environment), if any. */
    static Optional<Path> realKernel() {
        String value = System.getProperty("HANDOFF_TEST_KERNEL", System.getenv("HANDOFF_TEST_KERNEL"));
        return Optional.ofNullable(value).filter(v -> !v.isBlank()).map(Path::of).filter(Files::isRegularFile);
    }
}
