/**
 * What platform authors would otherwise write themselves: typed builders of the generic purgatory steps
 * ({@link io.handoff.api.support.GenericSteps}, {@link io.handoff.api.support.SerialConsole}), byte payloads packed
 * into step operands ({@link io.handoff.api.support.BytePayloads}) and checked slices of kernel image files
 * ({@link io.handoff.api.support.FileSlices}).
 *
 * <p>Like JUnit's {@code org.junit.platform.engine.support}, nothing here is required: a platform may build its
 * {@link io.handoff.api.plan.PurgatoryStep}s by hand, and the framework reads them the same way.
 *
 * @since 0.2
 */
package io.handoff.api.support;
