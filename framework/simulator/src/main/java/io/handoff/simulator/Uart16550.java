package io.handoff.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A 16550 UART at eight consecutive ports (COM1 is 0x3F8) whose transmitted bytes become console text.
 *
 * <p>Registers by offset: 0 THR/RBR (DLL when LCR.DLAB), 1 IER (DLM when DLAB), 2 IIR on read / FCR on
 * write, 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR. A written byte keeps the transmitter busy for one character
 * time at the programmed divisor and frame (start + data + parity + stop bits at 115200/divisor baud), so
 * LSR.THRE and LSR.TEMT read 0 until then: a driver that polls THRE before each byte sees real timing.
 * Nothing is ever received (LSR.DR = 0). The fault mode {@link #stuck()} models a transmitter that never
 * empties: THRE stays 0 forever and nothing reaches the line.
 */
public final class Uart16550 implements PortDevice {
    /** The base port of COM1. */
    public static final int COM1 = 0x3F8;
    /** LSR bit: transmit holding register empty. */
    public static final int LSR_THRE = 0x20;
    /** LSR bit: transmitter empty (holding and shift registers). */
    public static final int LSR_TEMT = 0x40;
    private static final int LCR_DLAB = 0x80;
    private static final long UART_CLOCK_HZ = 1_843_200;

    private final int base;
    private final VirtualClock clock;
    private boolean stuck;
    private int divisor = 1;
    private int ier;
    private int lcr = 0x03;
    private int mcr;
    private int scr;
    private boolean fifo;
    private long busyUntil;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder line = new StringBuilder();
    private final List<ConsoleLine> lines = new ArrayList<>();
    private long bytesWritten;
    private long overruns;

    /**
     * Create a UART.
     *
     * @param base its first port
     * @param clock the machine's clock
     */
    public Uart16550(int base, VirtualClock clock) {
        this.base = base;
        this.clock = clock;
    }

    /** Make the transmitter never empty (fault injection); bytes written from now on are lost. */
    public Uart16550 stuck() {
        this.stuck = true;
        return this;
    }

    /** Return the base port. */
    public int base() {
        return base;
    }

    @Override
    public int inb(int port) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (port - base) {
            case 0:
                return dlab ? divisor & 0xFF : 0;
            case 1:
                return dlab ? (divisor >>> 8) & 0xFF : ier;
            case 2:
                // no interrupt pending; bits 7:6 say the FIFOs are enabled
                return 0x01 | (fifo ? 0xC0 : 0);
            case 3:
                return lcr;
            case 4:
                return mcr;
            case 5:
                return lsr();
            case 6:
                // DCD, DSR and CTS asserted: a terminal is attached
                return 0xB0;
            case 7:
                return scr;
            default:
                throw new IllegalArgumentException(String.format("port %#x is not this UART's", port));
        }
    }

    @Override
    public void outb(int port, int value) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch (port - base) {
            case 0 -> {
                if (dlab) {
                    divisor = (divisor & 0xFF00) | value;
                } else {
                    transmit(value);
                }
            }
            case 1 -> {
                if (dlab) {
                    divisor = (divisor & 0x00FF) | (value << 8);
                } else {
                    ier = value & 0x0F;
                }
            }
            case 2 -> fifo = (value & 0x01) != 0;
            case 3 -> lcr = value;
            case 4 -> mcr = value & 0x1F;
            case 5, 6 -> { }
            case 7 -> scr = value;
            default -> throw new IllegalArgumentException(String.format("port %#x is not this UART's", port));
        }
    }

    /** Return the line status: THRE and TEMT once the last character has left, never when stuck. */
    private int lsr() {
        if (stuck || clock.nanos() < busyUntil) {
            return 0;
        }
        return LSR_THRE | LSR_TEMT;
    }

    private void transmit(int value) {
        bytesWritten++;
        if (stuck) {
            return;
        }
        if (clock.nanos() < busyUntil) {
            // a real 16550 without FIFO would lose or overwrite it; keep the text but count the misuse
            overruns++;
        }
        busyUntil = Math.max(busyUntil, clock.nanos()) + characterTimeNs();
        char c = (char) value;
        text.append(c);
        if (c == '\n') {
            lines.add(new ConsoleLine(Duration.ofNanos(clock.nanos()), line.toString()));
            line.setLength(0);
        } else if (c != '\r') {
            line.append(c);
        }
    }

    /** Return the time one character takes on the line with the current divisor and frame format. */
    public long characterTimeNs() {
        int bits = 1 + (5 + (lcr & 0x03)) + ((lcr & 0x08) != 0 ? 1 : 0) + ((lcr & 0x04) != 0 ? 2 : 1);
        long div = divisor == 0 ? 0x10000 : divisor;
        return bits * div * 16 * 1_000_000_000L / UART_CLOCK_HZ;
    }

    /** Return the programmed divisor latch (1 = 115200 baud). */
    public int divisor() {
        return divisor;
    }

    /** Return the line control register. */
    public int lineControl() {
        return lcr;
    }

    /** Return everything transmitted, as text (ISO-8859-1, one char per byte). */
    public String text() {
        return text.toString();
    }

    /** Return the completed lines with their virtual times. */
    public List<ConsoleLine> lines() {
        return List.copyOf(lines);
    }

    /** Return the text after the last newline, not yet a line. */
    public String partialLine() {
        return line.toString();
    }

    /** Return how many bytes the CPU wrote to THR, delivered or not. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Return how many bytes were written while the transmitter was still busy. */
    public long overruns() {
        return overruns;
    }
}
