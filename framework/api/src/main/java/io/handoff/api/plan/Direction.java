package io.handoff.api.plan;

/**
 * Which end of the free holes a placement prefers (kexec-tools' {@code hole_end} sign).
 *
 * @since 0.1
 */
public enum Direction {
    /** The lowest fitting address. */
    BOTTOM_UP,
    /** The highest fitting address. */
    TOP_DOWN
}
