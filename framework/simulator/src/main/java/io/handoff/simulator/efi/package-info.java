/**
 * A generic model of UEFI runtime services for the reference machine: the EFI_RUNTIME_SERVICES table written at the
 * profile's {@code runtime} address, variables (SetVariable, GetVariable), ResetSystem, and injectable faults per
 * service. Firmware is no architecture: a platform's simulator translates the service pointer and passes the
 * arguments in ({@link io.handoff.api.arch.SimulatedEfiRuntime}).
 */
package io.handoff.simulator.efi;
