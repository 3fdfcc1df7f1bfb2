/**
 * The UEFI firmware plugin: EFI-assisted kdump, offered to every platform that can call EFI runtime services from
 * purgatory ({@link io.handoff.api.spi.EfiRuntimeCalls}).
 */
package io.handoff.firmware.efi;
