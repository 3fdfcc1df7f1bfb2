package io.handoff.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * One line the simulated CPU wrote to the serial console, with the virtual time its newline was sent.
 *
 * @param at virtual time since the crash when the line ended
 * @param text the line without its line terminator
 */
public record ConsoleLine(Duration at, String text) {
    public ConsoleLine {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(text, "text");
    }
}
