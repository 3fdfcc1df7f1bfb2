/**
 * The base types every part of the API shares: failures and their exit codes, settings, image formats,
 * layout rules and capability names. The SPIs are in {@link io.handoff.api.spi}, the machine model in
 * {@link io.handoff.api.machine}, the planner's side in {@link io.handoff.api.plan}.
 *
 * @since 0.1
 */
package io.handoff.api;
