package io.handoff.api.support;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.SegmentData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads of kernel image and initrd files as platforms make them: a file's size, a few bytes at an offset, and
 * {@link SegmentData.FileSlice}s checked to lie inside the file.
 *
 * <p>A file that cannot be read fails with {@link FailureKind#UNREADABLE_FILE}; a range that does not lie inside the
 * file with {@link FailureKind#UNSUPPORTED_IMAGE} (the image is shorter than its headers say). Every message starts
 * with the file's path.
 *
 * @since 0.2
 */
public final class FileSlices {
    private FileSlices() {
    }

    /**
     * Return the file's size in bytes.
     *
     * @param file the file, never {@code null}
     * @throws HandoffException {@code UNREADABLE_FILE} when it does not exist or cannot be read
     */
    public static long size(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": no such file", e);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Return up to {@code length} bytes of the file from {@code offset}: fewer when the file ends first, none when it
     * ends before {@code offset}.
     *
     * @param file the file, never {@code null}
     * @param offset where to start, not negative
     * @param length the most bytes to read, not negative
     * @throws HandoffException {@code UNREADABLE_FILE} when it does not exist or cannot be read
     */
    public static byte[] read(Path file, long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException(file + ": negative offset " + offset + " or length " + length);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer into = ByteBuffer.allocate((int) Math.max(0, Math.min(length, channel.size() - offset)));
            long at = offset;
            while (into.hasRemaining()) {
                int n = channel.read(into, at);
                if (n < 0) {
                    break;
                }
                at += n;
            }
            return into.position() == into.capacity() ? into.array() : Arrays.copyOf(into.array(), into.position());
        } catch (NoSuchFileException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": no such file", e);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Return the whole file as a slice (an initrd).
     *
     * @param file the file, never {@code null}
     * @throws HandoffException {@code UNREADABLE_FILE} when it does not exist or cannot be read
     */
    public static SegmentData.FileSlice whole(Path file) {
        return new SegmentData.FileSlice(file, 0, size(file));
    }

    /**
     * Return the slice {@code [offset, offset + length)} of the file after checking it lies inside the file.
     *
     * @param file the file, never {@code null}
     * @param offset the slice's start in the file
     * @param length the slice's length
     * @throws HandoffException {@code UNREADABLE_FILE} when the file does not exist or cannot be read;
     *     {@code UNSUPPORTED_IMAGE} when the range is negative or reaches past the end of the file
     */
    public static SegmentData.FileSlice slice(Path file, long offset, long length) {
        return slice(file, size(file), offset, length);
    }

    /**
     * Return the slice {@code [offset, offset + length)} of a file of a known size after checking it lies inside it.
     *
     * @param file the file, never {@code null}
     * @param fileSize the file's size, as read before
     * @param offset the slice's start in the file
     * @param length the slice's length
     * @throws HandoffException {@code UNSUPPORTED_IMAGE} when the range is negative or reaches past the end of the file
     */
    public static SegmentData.FileSlice slice(Path file, long fileSize, long offset, long length) {
        if (offset < 0 || length < 0 || offset > fileSize || length > fileSize - offset) {
            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, String.format(
                    "%s: %d bytes; the range of %d bytes at offset %#x does not lie inside it", file, fileSize, length,
                    offset));
        }
        return new SegmentData.FileSlice(file, offset, length);
    }
}
