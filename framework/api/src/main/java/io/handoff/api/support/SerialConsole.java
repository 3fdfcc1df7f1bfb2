package io.handoff.api.support;

import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The 16550 UART purgatory prints on, and the {@code console} and {@code print} steps that use it.
 *
 * <p>Bounds: setting the UART up takes {@link #SETUP_BOUND} (a few port writes); a line takes 10 bits a byte (start,
 * 8 data, stop) for its text and a CR LF at the console's baud, rounded up to a microsecond, plus
 * {@link #PRINT_MARGIN}.
 *
 * @param port the UART's I/O port base
 * @param divisor the baud divisor written to the UART
 * @param baud the speed that divisor gives, for the worst cases and the description
 * @since 0.2
 */
public record SerialConsole(long port, long divisor, long baud) {
    /** The worst case of the {@code console} step. */
    public static final Duration SETUP_BOUND = Duration.ofMillis(1);
    /** What a {@code print} step's worst case adds to the time on the wire. */
    public static final Duration PRINT_MARGIN = Duration.ofMillis(1);

    public SerialConsole {
        if (baud < 1) {
            throw new IllegalArgumentException("a console needs a positive baud rate, got " + baud);
        }
    }

    /** Return the best-effort {@code console} step: port and divisor, {@code "16550 UART at PORT, BAUD baud"}. */
    public PurgatoryStep step() {
        return new PurgatoryStep("console", FailurePolicy.BEST_EFFORT, SETUP_BOUND, List.of(port, divisor),
                String.format("16550 UART at %#x, %d baud", port, baud));
    }

    /**
     * Return a best-effort {@code print} step: the runtime prints the description as given, so a line break is added
     * when the text has none.
     *
     * @param text the line, never {@code null}
     */
    public PurgatoryStep print(String text) {
        String line = text.endsWith("\n") ? text : text + "\n";
        return new PurgatoryStep("print", FailurePolicy.BEST_EFFORT, printTime(text.strip()), List.of(), line);
    }

    /**
     * Return the time to send the text and a CR LF at this console's baud, 10 bits a byte, plus
     * {@link #PRINT_MARGIN}.
     *
     * @param text the text without its line end, never {@code null}
     */
    public Duration printTime(String text) {
        long bits = (text.getBytes(StandardCharsets.UTF_8).length + 2L) * 10;
        return Duration.of((bits * 1_000_000 + baud - 1) / baud, ChronoUnit.MICROS).plus(PRINT_MARGIN);
    }
}
