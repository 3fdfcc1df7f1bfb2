package io.handoff.platforms.s390x;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.support.FileSlices;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * An s390 kernel image ({@code image}/{@code vmlinuz}): what runs from offset 0x10000, with its parameter area at
 * 0x10400, as kexec-tools' {@code image_s390_load()} reads it (kexec-facts D.1).
 *
 * <p>Only the first pages are read into the heap: the parameter area is edited in a copy of
 * [0x10000, {@link #headLength()} + 0x10000), the rest of the kernel is streamed from the file.
 *
 * @param file the image file
 * @param fileSize its size in bytes
 * @param maxCommandLine the longest command line the kernel accepts, NUL included (0x10430; 0 means 896)
 * @param head the copy of the file from 0x10000 on, {@link #HEAD_SIZE} bytes or more (to hold the command line)
 * @param version the kernel's version string, where the pointer at 0x10428 (newer kernels) names one in the file
 * @since 0.1
 */
public record S390Image(Path file, long fileSize, long maxCommandLine, byte[] head, Optional<String> version) {
    /** Where the kernel is read from in the file and loaded in memory ({@code IMAGE_READ_OFFSET}). */
    public static final long IMAGE_OFFSET = 0x10000;
    /** The parameter area's offsets, relative to {@link #IMAGE_OFFSET} (kexec-s390.h). */
    public static final int IPL_DEVICE = 0x400;
    /** Initrd start, relative to the image. */
    public static final int INITRD_START = 0x408;
    /** Initrd size. */
    public static final int INITRD_SIZE = 0x410;
    /** Old memory base (kdump: the crash region). */
    public static final int OLDMEM_BASE = 0x418;
    /** Old memory size. */
    public static final int OLDMEM_SIZE = 0x420;
    /** The kernel_version pointer of newer kernels. */
    public static final int KERNEL_VERSION = 0x428;
    /** The kernel's command line limit, NUL included; 0 in old kernels. */
    public static final int MAX_COMMAND_LINE_SIZE = 0x430;
    /** The command line. */
    public static final int COMMAND_LINE = 0x480;
    /** The limit of kernels that do not say ({@code LEGACY_COMMAND_LINESIZE}). */
    public static final long LEGACY_COMMAND_LINE_SIZE = 896;
    /** The smallest in-memory copy of the image's start: one page. */
    public static final int HEAD_SIZE = 0x1000;
    /** The entry of a kexec'd kernel ({@code STARTUP_NORMAL_OFFSET}). */
    public static final long STARTUP_NORMAL = 0x10000;
    /** The entry of a kdump kernel ({@code STARTUP_KDUMP_OFFSET}). */
    public static final long STARTUP_KDUMP = 0x10010;

    private static final long PAGE = 4096;

    /**
     * Read an image.
     *
     * @param file the kernel image
     * @param commandLineLength the length of the command line that will be written (the copy must hold it)
     * @throws HandoffException UNREADABLE_FILE when the file cannot be read; UNSUPPORTED_IMAGE when it is too short
     *     to hold the parameter area, or its maximum command line size is absurd
     */
    public static S390Image read(Path file, int commandLineLength) {
        long size = FileSlices.size(file);
        if (size < IMAGE_OFFSET + COMMAND_LINE + 1) {
            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, String.format(
                    "%s: %d bytes; an s390 image holds its parameter area at 0x10400..0x10480 (offset %#x is past "
                            + "the end)", file, size, IMAGE_OFFSET + COMMAND_LINE));
        }
        ByteBuffer area = ByteBuffer.wrap(Arrays.copyOf(FileSlices.read(file, IMAGE_OFFSET, HEAD_SIZE), HEAD_SIZE))
                .order(ByteOrder.BIG_ENDIAN);
        long max = area.getLong(MAX_COMMAND_LINE_SIZE);
        if (max == 0) {
            max = LEGACY_COMMAND_LINE_SIZE;
        } else if (max < 2 || max > 1 << 20) {
            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, String.format(
                    "%s: offset 0x10430: max_command_line_size %d is not a plausible limit", file, max));
        }
        // the copy reaches past the command line so that it is written in the copy, never in the file
        long wanted = Math.max(HEAD_SIZE, alignUp(COMMAND_LINE + (long) commandLineLength + 1, PAGE));
        int headLength = (int) Math.min(wanted, size - IMAGE_OFFSET);
        byte[] head = Arrays.copyOf(FileSlices.read(file, IMAGE_OFFSET, headLength), headLength);
        return new S390Image(file, size, max, head, version(file, area.getLong(KERNEL_VERSION), size));
    }

    /** Return the kernel's size as kexec-tools counts it: the file from 0x10000 on. */
    public long kernelSize() {
        return fileSize - IMAGE_OFFSET;
    }

    /** Return the length of the in-memory copy of the image's start. */
    public int headLength() {
        return head.length;
    }

    /** Return the rest of the kernel, streamed from the file, when the copy does not hold it all. */
    public Optional<SegmentData.FileSlice> tail() {
        long rest = kernelSize() - head.length;
        return rest > 0 ? Optional.of(FileSlices.slice(file, fileSize, IMAGE_OFFSET + head.length, rest))
                : Optional.empty();
    }

    /** Return the offset of the initrd from the load base: after the kernel, at least 8 MiB, 1 MiB aligned. */
    public long ramdiskOrigin() {
        return alignUp(Math.max(0x80_0000L, kernelSize()), 0x10_0000L);
    }

    static long alignUp(long value, long align) {
        return (value + align - 1) & -align;
    }

    // the pointer is an address in the loaded image, which starts at file offset 0: a NUL-terminated ASCII line
    private static Optional<String> version(Path file, long at, long size) {
        if (at < IMAGE_OFFSET || at >= size) {
            return Optional.empty();
        }
        byte[] b = FileSlices.read(file, at, (int) Math.min(256, size - at));
        int end = 0;
        while (end < b.length && b[end] >= 0x20 && b[end] < 0x7F) {
            end++;
        }
        return end == 0 ? Optional.empty()
                : Optional.of(new String(b, 0, end, StandardCharsets.US_ASCII));
    }
}
