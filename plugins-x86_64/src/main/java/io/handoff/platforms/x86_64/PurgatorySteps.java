package io.handoff.platforms.x86_64;

import io.handoff.api.support.SerialConsole;
import io.handoff.api.support.TransferRate;
import java.util.List;

/**
 * The x86_64 constants of the purgatory program, built with {@code io.handoff.api.support}: the console, the copy
 * rate, the halt reason and the jump's registers.
 *
 * <p>Bounds: console set-up 1 ms (a few port writes); a line of text 10 bits per byte (start, 8 data,
 * stop) at 115200 baud plus 1 ms; a copy at 200 MB/s, counted once, well below any x86_64's memory bandwidth with
 * purgatory's plain loop; a jump or halt nothing (they end purgatory).
 */
final class PurgatorySteps {
    /** The legacy COM1 port, where the QEMU pc machine and most servers' serial-over-LAN are. */
    static final long COM1 = 0x3F8;
    /** Divisor 1: 115200 baud. */
    static final long DIVISOR_115200 = 1;
    /** The console's speed. */
    static final long BAUD = 115_200;
    /** The console purgatory prints on: COM1 at 115200 baud. */
    static final SerialConsole CONSOLE = new SerialConsole(COM1, DIVISOR_115200, BAUD);
    /** The copy rate assumed in the bounds, bytes per second. */
    static final long COPY_RATE = 200_000_000L;
    /** The rate of a copy step: each byte counted once at {@link #COPY_RATE}. */
    static final TransferRate COPY = new TransferRate(COPY_RATE);
    /** The halt reason of the fallback: a required step failed. */
    static final long HALT_REQUIRED_STEP_FAILED = 1;

    /** The order of the 17 registers of a {@code jump-x86_64} step. */
    static final List<String> JUMP_REGISTERS = List.of("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8",
            "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip");

    private PurgatorySteps() {
    }
}
