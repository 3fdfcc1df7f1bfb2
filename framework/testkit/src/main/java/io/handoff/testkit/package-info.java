/**
 * Tests for platforms: {@link io.handoff.testkit.PlatformTestKit}, which plans through the real framework (plugins
 * loaded from a directory, as in production) and runs the plan on the simulator's reference machine, and
 * {@link io.handoff.testkit.PlatformScenarioSuite}, the scenarios every platform's tests pass, and
 * {@link io.handoff.testkit.StepNames}, which checks that a platform's purgatory names its kinds as it declares them.
 *
 * @since 0.1
 */
package io.handoff.testkit;
