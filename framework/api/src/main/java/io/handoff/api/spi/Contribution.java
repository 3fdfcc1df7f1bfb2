package io.handoff.api.spi;

import org.pf4j.ExtensionPoint;

/**
 * Something a plugin or a framework module adds to platforms' plans: the common root of the contribution SPIs.
 *
 * <p>A contribution in a platform plugin applies to the platforms of that plugin; a contribution of a
 * framework module (the last-words module) is offered to every platform and decides with
 * {@link #appliesTo}.
 *
 * @since 0.1
 */
public interface Contribution extends ExtensionPoint {
    /** Return a stable id, shown in {@code handoff platforms} and used in configuration. */
    String id();

    /** Tell whether this contribution applies to the platform; by default it applies to all it is offered to. */
    default boolean appliesTo(Platform platform) {
        return true;
    }
}
