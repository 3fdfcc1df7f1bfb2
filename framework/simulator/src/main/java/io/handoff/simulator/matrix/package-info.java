/**
 * The architecture matrix: every platform through every {@link io.handoff.simulator.matrix.MatrixScenario} on
 * every {@link io.handoff.simulator.matrix.MachineCondition}, judged by {@link io.handoff.simulator.matrix.TraceChecks}.
 *
 * <p>One definition serves both entry points: {@code handoff matrix} (a vendor's CI, no test library) and the
 * testkit's {@code PlatformScenarioSuite} (JUnit tests of a platform).
 *
 * @since 0.3
 */
package io.handoff.simulator.matrix;
