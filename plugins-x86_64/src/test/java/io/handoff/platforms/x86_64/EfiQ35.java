package io.handoff.platforms.x86_64;

import io.handoff.api.machine.EfiFirmware;
import io.handoff.api.machine.EfiMemoryDescriptor;
import java.util.List;

/**
 * The UEFI firmware of the captured QEMU q35 + OVMF 2 GiB guest (integration-tests uefi-profiles/qemu-q35-ovmf-x86_64-2g):
 * its runtime table address and runtime map, in the kernel's directory order.
 */
final class EfiQ35 {
    /** The runtime services table ({@code /sys/firmware/efi/runtime}), inside region 3 (runtime data). */
    static final long RUNTIME = 0x7f5ebb98L;

    static final List<EfiMemoryDescriptor> RUNTIME_MAP = List.of(
            new EfiMemoryDescriptor("0", 11, 0xffc00000L, 0xfffffffeffc00000L, 0x400, 0x8000000000000001L),
            new EfiMemoryDescriptor("1", 6, 0x7feec000L, 0xfffffffeffaec000L, 0x84, 0x800000000000000fL),
            new EfiMemoryDescriptor("2", 5, 0x7f5ec000L, 0xfffffffeff1ec000L, 0x100, 0x800000000000000fL),
            new EfiMemoryDescriptor("3", 6, 0x7f4ec000L, 0xfffffffeff0ec000L, 0x100, 0x800000000000000fL),
            new EfiMemoryDescriptor("4", 6, 0x7ea8a000L, 0xfffffffefe68a000L, 0x102, 0x800000000000000fL),
            new EfiMemoryDescriptor("5", 4, 0x7d4ca000L, 0xfffffffefd0ca000L, 0x4f, 0x800000000000000fL),
            new EfiMemoryDescriptor("6", 3, 0x0L, 0xfffffffefc200000L, 0x1, 0x800000000000000fL));

    static final EfiFirmware FIRMWARE = new EfiFirmware(64, 0x7f52aa18L, RUNTIME, 0x7f5ebc98L, 0, true, RUNTIME_MAP,
            List.of());

    private EfiQ35() {
    }
}
