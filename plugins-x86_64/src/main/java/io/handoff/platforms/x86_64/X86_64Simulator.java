package io.handoff.platforms.x86_64;

import io.handoff.api.arch.ArchitectureAnswer;
import io.handoff.api.arch.ArchitectureCall;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureStop;
import io.handoff.api.arch.SimulatedMachine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The x86_64 CPU of the reference machine: the jump of src/main/purgatory/host/host-x86_64.c, recorded with the
 * sixteen general registers and rip by name. Port I/O, memory, halt and reset are the framework machine's. After
 * the jump, the trace shows what the new kernel finds of EFI: efi_info, the setup_data chain and the runtime map.
 */
final class X86_64Simulator implements ArchitectureSimulator {
    /** host-x86_64.c's operation number of the jump (steps-x86_64.h). */
    static final int OP_JUMP = 1;

    @Override
    public String hostLibrary() {
        return "native/linux-x86-64/libhandoff-purgatory-host-x86_64.so";
    }

    @Override
    public Cpu start(SimulatedMachine machine) {
        return new Cpu() {
            @Override
            public ArchitectureAnswer call(ArchitectureCall call) {
                return call.op() == OP_JUMP && call.args().size() == PurgatorySteps.JUMP_REGISTERS.size()
                        ? jump(call) : ArchitectureAnswer.value(-1, "unknown x86_64 operation " + call.op());
            }

            @Override
            public List<String> afterHandoff(SimulatedMachine after, Optional<ArchitectureStop> stop) {
                if (stop.isEmpty() || !stop.get().jumped() || !stop.get().registers().containsKey("rsi")) {
                    return List.of();
                }
                return efiHandedOver(after, stop.get().registers().get("rsi"));
            }
        };
    }

    /** The most setup_data nodes the trace follows (a guard against a cycle). */
    static final int MAX_SETUP_DATA = 64;
    /** The most runtime-map regions the trace lists one by one. */
    static final int MAX_LISTED_REGIONS = 64;

    /**
     * Return what the new kernel finds of EFI in the zero page at {@code zeroPage}: {@code efi_info}, the
     * setup_data chain with the {@code SETUP_EFI} node, and the runtime map. Nothing when {@code efi_info} has no
     * signature (the kernel boots without EFI), so traces of BIOS machines are unchanged.
     */
    static List<String> efiHandedOver(SimulatedMachine m, long zeroPage) {
        ByteBuffer info = ByteBuffer.wrap(m.read(zeroPage + EfiBootData.EFI_INFO_OFFSET, EfiBootData.EFI_INFO_SIZE))
                .order(ByteOrder.LITTLE_ENDIAN);
        int signature = info.getInt(EfiBootData.SIGNATURE);
        if (signature == 0) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        long systab = Integer.toUnsignedLong(info.getInt(EfiBootData.SYSTAB))
                | Integer.toUnsignedLong(info.getInt(EfiBootData.SYSTAB_HI)) << 32;
        long memmap = Integer.toUnsignedLong(info.getInt(EfiBootData.MEMMAP))
                | Integer.toUnsignedLong(info.getInt(EfiBootData.MEMMAP_HI)) << 32;
        int size = info.getInt(EfiBootData.MEMMAP_SIZE);
        int descSize = info.getInt(EfiBootData.MEMDESC_SIZE);
        String sig = new String(m.read(zeroPage + EfiBootData.EFI_INFO_OFFSET, 4), StandardCharsets.ISO_8859_1);
        out.add(String.format("efi_info (boot_params %#x): signature \"%s\", systab %#x, memmap %#x, memmap_size %d, "
                + "memdesc_size %d, memdesc_version %d", zeroPage + EfiBootData.EFI_INFO_OFFSET, sig, systab, memmap,
                size, descSize, info.getInt(EfiBootData.MEMDESC_VERSION)));
        long node = ByteBuffer.wrap(m.read(zeroPage + ZeroPage.SETUP_DATA_OFFSET, 8)).order(ByteOrder.LITTLE_ENDIAN)
                .getLong();
        List<String> chain = new ArrayList<>();
        for (int i = 0; node != 0 && i < MAX_SETUP_DATA; i++) {
            ByteBuffer h = ByteBuffer.wrap(m.read(node, SetupData.HEADER_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
            long next = h.getLong(0);
            int type = h.getInt(8);
            int len = h.getInt(12);
            chain.add(String.format("%s at %#x (%d bytes)", setupDataName(type), node, len));
            if (type == EfiBootData.SETUP_EFI && len >= 32) {
                ByteBuffer d = ByteBuffer.wrap(m.read(node + SetupData.HEADER_BYTES, 32)).order(ByteOrder.LITTLE_ENDIAN);
                out.add(String.format("SETUP_EFI at %#x: fw_vendor %#x, runtime %#x, tables %#x, smbios %#x", node,
                        d.getLong(0), d.getLong(8), d.getLong(16), d.getLong(24)));
            }
            node = next;
        }
        out.add("setup_data chain: " + (chain.isEmpty() ? "empty" : String.join(" -> ", chain)));
        int n = descSize > 0 ? Integer.divideUnsigned(size, descSize) : 0;
        out.add(String.format("EFI runtime map at %#x: %d regions", memmap, n));
        for (int i = 0; i < Math.min(n, MAX_LISTED_REGIONS); i++) {
            ByteBuffer d = ByteBuffer.wrap(m.read(memmap + (long) i * descSize, EfiBootData.DESCRIPTOR_SIZE))
                    .order(ByteOrder.LITTLE_ENDIAN);
            long phys = d.getLong(8);
            long pages = d.getLong(24);
            out.add(String.format("  region %d: type %d, phys %#x-%#x, virt %#x, %d pages, attribute %#x", i,
                    d.getInt(0), phys, phys + pages * 4096 - 1, d.getLong(16), pages, d.getLong(32)));
        }
        return out;
    }

    private static String setupDataName(int type) {
        return switch (type) {
            case 1 -> "SETUP_E820_EXT";
            case 2 -> "SETUP_DTB";
            case 3 -> "SETUP_PCI";
            case EfiBootData.SETUP_EFI -> "SETUP_EFI";
            case 9 -> "SETUP_RNG_SEED";
            default -> "type " + Integer.toUnsignedString(type);
        };
    }

    private static ArchitectureAnswer jump(ArchitectureCall call) {
        Map<String, Long> named = new LinkedHashMap<>();
        for (int i = 0; i < PurgatorySteps.JUMP_REGISTERS.size(); i++) {
            named.put(PurgatorySteps.JUMP_REGISTERS.get(i), call.arg(i));
        }
        long rip = named.get("rip");
        return ArchitectureAnswer.stop(ArchitectureStop.jump(X86_64Steps.JUMP.code(), rip, named,
                String.format("jumped to %#x with rsi=%#x", rip, named.get("rsi"))));
    }
}
