package io.handoff.api.plan;

import java.nio.ByteBuffer;

/**
 * The boot data a platform is building for the next kernel, as a {@link io.handoff.api.spi.MemoryMapPassing} sees it.
 *
 * <p>The block is the platform's boot structure in the target's byte order: the x86 zero page, the s390
 * parameter area, the ia64 {@code boot_param}.
 *
 * @since 0.1
 */
public interface BootParameters {
    /** Return the boot structure, positioned at 0, in the target's byte order. */
    ByteBuffer block();

    /** Return the command line built so far. */
    String commandLine();

    /** Return the longest command line the kernel accepts, in bytes without the terminating NUL. */
    int commandLineLimit();

    /**
     * Append a word to the command line, separated by a space.
     *
     * @throws io.handoff.api.HandoffException {@code COMMAND_LINE_TOO_LONG} past {@link #commandLineLimit()}
     */
    void appendCommandLine(String word);

    /** Attach a typed data node the boot block links to (x86 {@code setup_data}); unsupported by default. */
    default void addLinkedData(int type, byte[] payload) {
        throw new UnsupportedOperationException("this platform's boot block links no data nodes");
    }
}
