package io.handoff.platforms.ia64;

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
 * The IA-64 CPU and EFI firmware of the reference machine: r28 at entry (the running kernel's boot_param), the
 * firmware's memory ({@link Ia64Firmware}), the i-cache flush and the jump of src/main/purgatory/host/host-ia64.c.
 *
 * <p>After the jump it reads back what the new kernel is handed and puts it in the trace: the new boot_param's
 * fields, the patched EFI memory map descriptor by descriptor (saying which LOADER_DATA descriptor starts at the
 * ELF core header), and the SetVirtualAddressMap descriptor's entry word.
 */
final class Ia64Simulator implements ArchitectureSimulator {
    /** host-ia64.c's operation numbers (steps-ia64.h). */
    static final int OP_R28 = 1;
    static final int OP_JUMP = 2;
    static final int OP_FLUSH = 3;
    static final int OP_FW_READ64 = 4;
    static final int OP_FW_WRITE = 5;
    static final int OP_FW_OWNS = 6;

    @Override
    public String hostLibrary() {
        return "native/linux-x86-64/libhandoff-purgatory-host-ia64.so";
    }

    @Override
    public Cpu start(SimulatedMachine machine) {
        Ia64Firmware firmware = Ia64Firmware.reference();
        long oldFdescIp = firmware.read64(firmware.fdesc());
        return new Cpu() {
            @Override
            public ArchitectureAnswer call(ArchitectureCall call) {
                return switch (call.op()) {
                    case OP_R28 -> ArchitectureAnswer.value(firmware.bootParam(), String.format(
                            "r28 = %#x: the running kernel's boot_param (EFI memory map of %d descriptors)",
                            firmware.bootParam(), firmware.descriptors().size()));
                    case OP_FW_OWNS -> ArchitectureAnswer.value(
                            firmware.block(call.arg(0), call.arg(1)).isPresent() ? 1 : 0);
                    case OP_FW_READ64 -> ArchitectureAnswer.value(firmware.read64(call.arg(0)));
                    case OP_FW_WRITE -> firmware.write(call.arg(0), call.data())
                            ? ArchitectureAnswer.value(0, String.format("firmware memory %#x <- %d bytes",
                                    call.arg(0), call.data().length))
                            : ArchitectureAnswer.value(-1, String.format("firmware write at %#x outside its tables",
                                    call.arg(0)));
                    case OP_FLUSH -> ArchitectureAnswer.value(0, String.format(
                            "fc.i %#x-%#x, sync.i, srlz.i", call.arg(0), call.arg(0) + call.arg(1) - 1));
                    case OP_JUMP -> jump(call.arg(0), call.arg(1));
                    default -> ArchitectureAnswer.value(-1, "unknown ia64 operation " + call.op());
                };
            }

            @Override
            public List<String> afterHandoff(SimulatedMachine after, Optional<ArchitectureStop> stop) {
                if (stop.isEmpty() || !stop.get().jumped()) {
                    return List.of();
                }
                List<String> out = new ArrayList<>();
                String text = new String(after.read(stop.get().entry(), 4096), StandardCharsets.ISO_8859_1);
                if (text.contains(Vmlinux.SYNTHETIC_MARKER)) {
                    out.add(String.format("the kernel at %#x is handoff's synthetic IA-64 vmlinux, not Linux (no IA-64 "
                            + "kernel can be downloaded; it has Linux's layout and reports what it was handed on Ski)",
                            stop.get().entry()));
                }
                out.addAll(handedOver(after, stop.get().registers().getOrDefault("r28", 0L), firmware, oldFdescIp));
                return out;
            }
        };
    }

    private static ArchitectureAnswer jump(long entry, long bootParam) {
        Map<String, Long> registers = new LinkedHashMap<>();
        registers.put("r28", bootParam);
        registers.put("ip", entry);
        return ArchitectureAnswer.stop(ArchitectureStop.jump(Ia64Steps.JUMP.code(), entry, registers,
                        String.format("jumped to %#x in physical mode, r28 = %#x", entry, bootParam)),
                String.format("br.call b0=b6: the CPU enters the kernel at %#x with r28 = %#x (psr.it/dt/rt off)",
                        entry, bootParam));
    }

    // what the new kernel finds: its boot_param, the EFI memory map it points at, the firmware's hook
    static List<String> handedOver(SimulatedMachine m, long bootParam, Ia64Firmware firmware, long oldIp) {
        List<String> out = new ArrayList<>();
        ByteBuffer bp = ByteBuffer.wrap(m.read(bootParam, 96)).order(ByteOrder.LITTLE_ENDIAN);
        long cmdline = bp.getLong(0);
        long map = bp.getLong(16);
        long size = bp.getLong(24);
        int descSize = (int) bp.getLong(32);
        out.add(String.format("boot_param at %#x (r28): command_line %#x, efi_systab %#x, efi_memmap %#x (%d bytes, "
                + "descriptor %d), console %dx%d at %d,%d, initrd %#x+%#x", bootParam, cmdline, bp.getLong(8), map,
                size, descSize, bp.getShort(44), bp.getShort(46), bp.getShort(48), bp.getShort(50), bp.getLong(64),
                bp.getLong(72)));
        byte[] text = m.read(cmdline, 2048);
        int nul = 0;
        while (nul < text.length && text[nul] != 0) {
            nul++;
        }
        out.add("command line: " + new String(text, 0, nul, StandardCharsets.US_ASCII));
        long elfcorehdr = elfcorehdr(new String(text, 0, nul, StandardCharsets.US_ASCII));
        if (descSize >= 40 && size > 0 && size <= (1 << 20)) {
            List<Ia64Firmware.Descriptor> patched = Ia64Firmware.decode(m.read(map, (int) size), descSize);
            out.add(String.format("EFI memory map for the new kernel: %d descriptors (the firmware's had %d)",
                    patched.size(), firmware.descriptors().size()));
            for (Ia64Firmware.Descriptor d : patched) {
                String note = d.type() == 2 && d.phys() == elfcorehdr ? "  <- elfcorehdr" : "";
                out.add("  " + d + note);
            }
            if (elfcorehdr >= 0) {
                boolean found = patched.stream().anyMatch(d -> d.type() == 2 && d.phys() == elfcorehdr);
                out.add(String.format("elfcorehdr=%#x: %s", elfcorehdr, found
                        ? "a LOADER_DATA descriptor starts there (the capture kernel can reserve it)"
                        : "NO LOADER_DATA descriptor starts there: the capture kernel would refuse the dump"));
            }
        }
        long ip = firmware.read64(firmware.fdesc());
        out.add(String.format("SetVirtualAddressMap descriptor at %#x: entry %#x (was %#x)%s", firmware.fdesc(), ip,
                oldIp, ip == oldIp ? ": NOT hooked" : ", the 16-byte stub returning EFI_SUCCESS"));
        return out;
    }

    static long elfcorehdr(String commandLine) {
        for (String word : commandLine.split(" ")) {
            if (word.startsWith("elfcorehdr=") && word.endsWith("K")) {
                try {
                    return Long.parseLong(word.substring(11, word.length() - 1)) * 1024;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
