/**
 * The reference machine: simulated memory and devices (UART, CMOS RTC, and a BMC behind IPMI KCS from
 * {@code io.handoff.simulator.bmc}) on virtual time that run a platform's purgatory host build, with the
 * platform's {@link io.handoff.api.arch.ArchitectureSimulator} for what its architecture adds.
 *
 * <p>Everything here is a simulation. Virtual time advances only when the simulated CPU touches a device
 * or memory, so runs are deterministic and a stuck device costs no wall-clock time beyond the callbacks.
 * {@code handoff simulate} runs on it; the testkit's PlatformTestKit drives it from tests.
 *
 * @since 0.1
 */
package io.handoff.simulator;
