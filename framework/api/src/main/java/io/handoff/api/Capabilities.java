package io.handoff.api;

/**
 * Well-known capability names a {@link Platform} may declare.
 *
 * @since 0.1
 */
public final class Capabilities {
    /** Purgatory can use x86-style port I/O ({@code in}/{@code out}): KCS, CMOS RTC, 16550 UART. */
    public static final String PORT_IO = "port-io";
    /** Purgatory runs with EFI runtime services available (warm reset). */
    public static final String EFI_RUNTIME = "efi-runtime";
    /** The machine can re-IPL a stand-alone dump tool (s390 diag 308). */
    public static final String DUMP_REIPL = "dump-reipl";

    private Capabilities() {
    }
}
