/**
 * The reference machine: simulated memory and devices (UART, CMOS RTC, and a BMC behind IPMI KCS from
 * {@code io.handoff.testkit.bmc}) on virtual time that run the purgatory host runtime, and
 * {@link io.handoff.testkit.PlatformTestKit}, which plans through the real framework and runs the plan on it.
 *
 * <p>Everything here is a simulation. Virtual time advances only when the simulated CPU touches a device
 * or memory, so runs are deterministic and a stuck device costs no wall-clock time beyond the callbacks.
 *
 * @since 0.1
 */
package io.handoff.testkit;
