package io.handoff.platforms.s390x;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.BootParameters;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The s390 parameter area as a {@link BootParameters}: the in-memory copy of the image from 0x10000 on, so that
 * {@link S390Image#OLDMEM_BASE} (0x418) and the other offsets are block offsets, big-endian.
 *
 * @since 0.1
 */
final class ParameterArea implements BootParameters {
    private final S390Image image;
    private final byte[] head;
    private String commandLine;

    ParameterArea(S390Image image, String commandLine) {
        this.image = image;
        this.head = image.head();
        this.commandLine = "";
        set(commandLine);
    }

    @Override
    public ByteBuffer block() {
        return ByteBuffer.wrap(head).order(ByteOrder.BIG_ENDIAN);
    }

    @Override
    public String commandLine() {
        return commandLine;
    }

    /** Return the image's limit without its NUL (0x10430, 896 when 0). */
    @Override
    public int commandLineLimit() {
        return (int) image.maxCommandLine() - 1;
    }

    @Override
    public void appendCommandLine(String word) {
        set(commandLine.isEmpty() ? word : commandLine + " " + word);
    }

    private void set(String next) {
        int length = next.getBytes(StandardCharsets.US_ASCII).length;
        if (length > commandLineLimit()) {
            throw new HandoffException(FailureKind.COMMAND_LINE_TOO_LONG, String.format(
                    "%s: the command line is %d bytes, the kernel accepts at most %d (max_command_line_size %d at "
                            + "offset 0x10430)", image.file(), length, commandLineLimit(), image.maxCommandLine()));
        }
        commandLine = next;
    }

    /** Write the initrd's start (relative to the load base) and size at 0x408/0x410. */
    void setInitrd(long start, long size) {
        block().putLong(S390Image.INITRD_START, start).putLong(S390Image.INITRD_SIZE, size);
    }

    /** Write the command line at 0x480, NUL-terminated, over whatever the image carried there. */
    byte[] finish() {
        byte[] line = commandLine.getBytes(StandardCharsets.US_ASCII);
        if (S390Image.COMMAND_LINE + line.length + 1 > head.length) {
            throw new HandoffException(FailureKind.INTERNAL, image.file() + ": the parameter area copy of "
                    + head.length + " bytes cannot hold a " + line.length + "-byte command line");
        }
        int end = (int) Math.min(head.length, S390Image.COMMAND_LINE + image.maxCommandLine());
        Arrays.fill(head, S390Image.COMMAND_LINE, end, (byte) 0);
        System.arraycopy(line, 0, head, S390Image.COMMAND_LINE, line.length);
        return head;
    }
}
