/**
 * Tests for platforms: {@link io.handoff.testkit.PlatformTestKit}, which plans through the real framework (plugins
 * loaded from a directory, as in production) and runs the plan on the simulator's reference machine, and
 * {@link io.handoff.testkit.PlatformScenarioSuite}, the scenarios every platform's tests pass.
 *
 * @since 0.1
 */
package io.handoff.testkit;
