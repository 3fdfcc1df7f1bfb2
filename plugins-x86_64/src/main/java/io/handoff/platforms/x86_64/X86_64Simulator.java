package io.handoff.platforms.x86_64;

import io.handoff.api.arch.ArchitectureAnswer;
import io.handoff.api.arch.ArchitectureCall;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureStop;
import io.handoff.api.arch.SimulatedEfiRuntime;
import io.handoff.api.arch.SimulatedMachine;
import io.handoff.api.plan.EfiRuntimeCall;
import io.handoff.api.plan.EfiRuntimeService;
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
 * sixteen general registers and rip by name, and the EFI runtime-service call: the CPU walks the 4-level page tables
 * at the call's root in simulated memory to translate the service's virtual address (a bad walk is a page fault that
 * stops the run), then the machine's firmware ({@link SimulatedMachine#efiRuntime()}) runs the service found at that
 * physical address. Port I/O, memory, halt and reset are the framework machine's. After the jump, the trace shows
 * what the new kernel finds of EFI: efi_info, the setup_data chain and the runtime map.
 */
final class X86_64Simulator implements ArchitectureSimulator {
    /** host-x86_64.c's operation number of the jump (steps-x86_64.h). */
    static final int OP_JUMP = 1;
    /** host-x86_64.c's operation number of the EFI call: root, function, offset, mask, five arguments; data. */
    static final int OP_EFI_CALL = 2;

    @Override
    public String hostLibrary() {
        return "native/linux-x86-64/libhandoff-purgatory-host-x86_64.so";
    }

    @Override
    public Cpu start(SimulatedMachine machine) {
        return new Cpu() {
            @Override
            public ArchitectureAnswer call(ArchitectureCall call) {
                if (call.op() == OP_EFI_CALL && call.args().size() == 9) {
                    return efiCall(machine, call);
                }
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

    /** Run an EFI runtime-service call: translate its function through the page tables, then run the firmware. */
    static ArchitectureAnswer efiCall(SimulatedMachine m, ArchitectureCall call) {
        long root = call.arg(0);
        long fn = call.arg(1);
        EfiRuntimeService service = EfiRuntimeService.atOffset(call.arg(2));
        String name = "EFI " + (service == null ? String.format("service at offset %#x", call.arg(2))
                : service.specName());
        PageWalk walk = PageWalk.of(m, root, fn);
        if (walk.fault().isPresent()) {
            String why = String.format("page fault calling %s at virtual %#x (page tables at %#x): %s", name, fn, root,
                    walk.fault().get());
            return ArchitectureAnswer.stop(ArchitectureStop.other(EfiCallStep.CODE, fn, new byte[0], why), why);
        }
        long phys = walk.physical();
        String where = String.format("%s: the CPU calls virtual %#x, physical %#x through the page tables at %#x (ms_abi)",
                name, fn, phys, root);
        Optional<SimulatedEfiRuntime> firmware = m.efiRuntime();
        if (firmware.isEmpty()) {
            String why = String.format("%s: no firmware code at physical %#x (the machine has no UEFI firmware); the "
                    + "CPU runs into memory that holds no service", name, phys);
            return ArchitectureAnswer.stop(ArchitectureStop.other(EfiCallStep.CODE, fn, new byte[0], why), where, why);
        }
        byte[] data = call.data();
        long mask = call.arg(3);
        List<EfiRuntimeCall.Argument> args = new ArrayList<>();
        for (int i = 0; i < EfiRuntimeCall.MAX_ARGUMENTS; i++) {
            long v = call.arg(4 + i);
            if ((mask >>> i & 1) != 0) {
                int from = (int) Math.min(Math.max(v, 0), data.length);
                args.add(new EfiRuntimeCall.Bytes(java.util.Arrays.copyOfRange(data, from, data.length)));
            } else {
                args.add(new EfiRuntimeCall.Value(v));
            }
        }
        SimulatedEfiRuntime.Result r = firmware.get().call(phys, args);
        List<String> events = new ArrayList<>();
        events.add(where);
        events.addAll(r.events());
        if (r.ending() == SimulatedEfiRuntime.Ending.RETURNED) {
            return new ArchitectureAnswer(r.status(), Optional.empty(), events);
        }
        return new ArchitectureAnswer(r.status(), Optional.of(ArchitectureStop.other(EfiCallStep.CODE, r.status(),
                new byte[0], r.description())), events);
    }

    /**
     * A 4-level translation of a virtual address as the CPU does it for an instruction fetch (4 KiB, 2 MiB and 1 GiB
     * pages; a not-present entry or an NX bit faults, EFER.NXE being on under Linux).
     *
     * @param physical the physical address, when the walk succeeded
     * @param fault why the walk failed, if it did
     */
    record PageWalk(long physical, Optional<String> fault) {
        private static final long ADDRESS = 0x000F_FFFF_FFFF_F000L;
        private static final String[] LEVELS = {"page-table", "page-directory", "PDPT", "PML4"};

        static PageWalk of(SimulatedMachine m, long root, long va) {
            if (!EfiPageTables.canonical(va)) {
                return new PageWalk(0, Optional.of(String.format("%#x is not canonical", va)));
            }
            long table = root & ADDRESS;
            for (int level = 4; level >= 1; level--) {
                int index = EfiPageTables.index(va, level);
                long at = table + index * 8L;
                long e = ByteBuffer.wrap(m.read(at, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
                String entry = String.format("%s entry %d at %#x (%#x)", LEVELS[level - 1], index, at, e);
                if ((e & EfiPageTables.P) == 0) {
                    return new PageWalk(0, Optional.of(entry + " is not present"));
                }
                if (e < 0) {
                    return new PageWalk(0, Optional.of(entry + " forbids execution (NX)"));
                }
                boolean large = level <= 3 && level >= 2 && (e & EfiPageTables.PS) != 0;
                if (level == 1 || large) {
                    long size = 1L << (12 + 9 * (level - 1));
                    return new PageWalk((e & ADDRESS & ~(size - 1)) | (va & (size - 1)), Optional.empty());
                }
                table = e & ADDRESS;
            }
            throw new AssertionError("unreachable");
        }
    }
}
