/**
 * Layered Typesafe configuration: command-line overrides over the user file over each module's
 * {@code reference.conf}, validated at start and exposed to platforms as {@link io.handoff.api.Settings}.
 *
 * @since 0.1
 */
package io.handoff.core.config;
