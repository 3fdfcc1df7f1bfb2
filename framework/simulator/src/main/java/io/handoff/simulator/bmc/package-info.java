/**
 * A simulated BMC behind an IPMI KCS system interface (IPMI 2.0 §9.15), device side: the status and data
 * registers with their IBF/OBF handshake on virtual time, the BMC's commands (Get Device ID, the watchdog, Platform
 * Event Message, the System Event Log) and injectable faults.
 *
 * <p>Written from the specification, independently of {@code io.handoff.lastwords} (the sender) and of the
 * purgatory runtime (the host side): a shared misreading of the spec cannot cancel itself out. The package
 * depends on the JDK only; the reference machine maps a {@link io.handoff.simulator.bmc.KcsBmc} onto its port bus.
 */
package io.handoff.simulator.bmc;
