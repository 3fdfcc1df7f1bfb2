package io.handoff.platforms.x86_64;

import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The x86_64 purgatory steps and their worst cases, shared by the step contributor and the halt fallback.
 *
 * <p>Bounds: console set-up 1 ms (a few port writes); a line of text 10 bits per byte (start, 8 data,
 * stop) at 115200 baud plus 1 ms; a copy at 200 MB/s, well below any x86_64's memory bandwidth with
 * purgatory's plain loop; a jump or halt nothing (they end purgatory).
 */
final class PurgatorySteps {
    /** The legacy COM1 port, where the QEMU pc machine and most servers' serial-over-LAN are. */
    static final long COM1 = 0x3F8;
    /** Divisor 1: 115200 baud. */
    static final long DIVISOR_115200 = 1;
    /** The console's speed. */
    static final long BAUD = 115_200;
    /** The copy rate assumed in the bounds, bytes per second. */
    static final long COPY_RATE = 200_000_000L;
    /** The halt reason of the fallback: a required step failed. */
    static final long HALT_REQUIRED_STEP_FAILED = 1;

    /** The order of the 17 registers of a {@code jump-x86_64} step. */
    static final List<String> JUMP_REGISTERS = List.of("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8",
            "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip");

    private static final Duration CONSOLE_SETUP = Duration.ofMillis(1);
    private static final Duration PRINT_MARGIN = Duration.ofMillis(1);

    private PurgatorySteps() {
    }

    static PurgatoryStep console() {
        return new PurgatoryStep("console", FailurePolicy.BEST_EFFORT, CONSOLE_SETUP, List.of(COM1, DIVISOR_115200),
                String.format("16550 UART at %#x, %d baud", COM1, BAUD));
    }

    /** A console line: the runtime prints text as given, so the line break is part of it. */
    static PurgatoryStep print(String text) {
        String line = text.endsWith("\n") ? text : text + "\n";
        return new PurgatoryStep("print", FailurePolicy.BEST_EFFORT, printTime(text.strip()), List.of(), line);
    }

    static PurgatoryStep copy(long src, long dst, long length, String what) {
        return new PurgatoryStep("copy", FailurePolicy.REQUIRED, copyTime(length), List.of(src, dst, length),
                String.format("copy %s: %#x bytes %#x -> %#x", what, length, src, dst));
    }

    static PurgatoryStep jump(Map<String, Long> registers) {
        List<Long> operands = JUMP_REGISTERS.stream().map(r -> registers.getOrDefault(r, 0L)).toList();
        return new PurgatoryStep("jump-x86_64", FailurePolicy.REQUIRED, Duration.ZERO, operands, String.format(
                "enter the kernel at rip=%#x with rsi=%#x (boot_params)", registers.getOrDefault("rip", 0L),
                registers.getOrDefault("rsi", 0L)));
    }

    static PurgatoryStep halt(long reason) {
        return new PurgatoryStep("halt", FailurePolicy.REQUIRED, Duration.ZERO, List.of(reason),
                "halt with reason " + reason + " (cli; hlt, forever)");
    }

    /** Return the time to send the text and its line end at 115200 baud, 10 bits a byte, plus 1 ms. */
    static Duration printTime(String text) {
        long bits = (text.getBytes(StandardCharsets.UTF_8).length + 2L) * 10;
        return Duration.of((bits * 1_000_000 + BAUD - 1) / BAUD, ChronoUnit.MICROS).plus(PRINT_MARGIN);
    }

    /** Return the time to copy the bytes at {@link #COPY_RATE}, rounded up to a microsecond. */
    static Duration copyTime(long bytes) {
        return Duration.of((bytes * 1_000_000 + COPY_RATE - 1) / COPY_RATE, ChronoUnit.MICROS);
    }
}
