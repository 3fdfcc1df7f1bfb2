package io.handoff.simulator.efi;

import io.handoff.api.arch.SimulatedEfiRuntime;
import io.handoff.api.machine.EfiFirmware;
import io.handoff.api.machine.EfiMemoryDescriptor;
import io.handoff.api.plan.EfiRuntimeCall;
import io.handoff.api.plan.EfiRuntimeService;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The UEFI runtime services of the reference machine, for a profile with UEFI firmware ({@code Machine.efiFirmware()}).
 *
 * <p>The firmware's table: EFI_RUNTIME_SERVICES at the profile's {@code runtime} address (physical), a 24-byte header
 * with the signature {@code RUNTSERV}, then one pointer per service. Each service's code lies in the first runtime-code
 * region (EFI type 5) of the runtime map, service {@code k} (offset {@code 0x18 + 8k}) at byte
 * {@code (k mod pages) * 4096 + 0x100 + 0x10 k} of it, and its pointer is that byte's <em>virtual</em> address, as
 * after SetVirtualAddressMap: a caller reaches the code only through page tables that map the region where the
 * kernel put it. Without a runtime-code region the pointers are 0.
 *
 * <p>Services: SetVariable stores a variable (a size or attributes of 0 deletes it), GetVariable finds one (it
 * reports EFI_BUFFER_TOO_SMALL against the caller's size; the outputs are not written back, the caller's copy being
 * the step's own), ResetSystem resets (cold 0, warm 1, shutdown 2, platform-specific 3) and never returns; every
 * other service answers EFI_UNSUPPORTED. Faults per service ({@link EfiFault}).
 *
 * @since 0.3
 */
public final class EfiRuntimeModel implements SimulatedEfiRuntime {
    /** EFI_SUCCESS. */
    public static final long SUCCESS = 0;
    /** EFI_INVALID_PARAMETER. */
    public static final long INVALID_PARAMETER = 0x8000000000000002L;
    /** EFI_UNSUPPORTED. */
    public static final long UNSUPPORTED = 0x8000000000000003L;
    /** EFI_BUFFER_TOO_SMALL. */
    public static final long BUFFER_TOO_SMALL = 0x8000000000000005L;
    /** EFI_DEVICE_ERROR. */
    public static final long DEVICE_ERROR = 0x8000000000000007L;
    /** EFI_NOT_FOUND. */
    public static final long NOT_FOUND = 0x800000000000000EL;
    /** EfiRuntimeServicesCode. */
    public static final int RUNTIME_CODE = 5;
    /** The table's header size field: the header and the 14 pointers. */
    public static final int TABLE_SIZE = 0x88;
    /** The table's revision field (UEFI 2.70). */
    public static final int REVISION = 0x00020046;

    private final EfiFirmware firmware;
    private final Map<EfiRuntimeService, EfiFault.Kind> faults = new LinkedHashMap<>();
    private final Map<Long, EfiRuntimeService> byPhysical = new LinkedHashMap<>();
    private final Map<EfiRuntimeService, Long> virtualAddress = new LinkedHashMap<>();
    private final Map<String, EfiVariable> variables = new LinkedHashMap<>();
    private final List<String> calls = new ArrayList<>();
    private Optional<Result> ended = Optional.empty();

    /**
     * Create the firmware of a machine.
     *
     * @param firmware the profile's firmware: where the table lies, the runtime map
     * @param faults the faults to inject, at most one per service (a later one wins)
     */
    public EfiRuntimeModel(EfiFirmware firmware, List<EfiFault> faults) {
        this.firmware = firmware;
        faults.forEach(f -> this.faults.put(f.service(), f.kind()));
        firmware.runtimeMap().stream().filter(r -> r.type() == RUNTIME_CODE && r.pages() > 0).findFirst()
                .ifPresent(code -> {
                    for (EfiRuntimeService s : EfiRuntimeService.values()) {
                        int k = (s.offset() - EfiRuntimeService.GET_TIME.offset()) / 8;
                        long at = (k % code.pages()) * EfiMemoryDescriptor.PAGE_SIZE + 0x100 + 0x10L * k;
                        byPhysical.put(code.physicalAddress() + at, s);
                        virtualAddress.put(s, code.virtualAddress() + at);
                    }
                });
    }

    @Override
    public long runtimeServicesTable() {
        return firmware.runtime();
    }

    /** Return the table's bytes as the firmware wrote them at {@link #runtimeServicesTable()}. */
    public byte[] table() {
        ByteBuffer b = ByteBuffer.allocate(TABLE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(EfiRuntimeService.SIGNATURE).putInt(REVISION).putInt(TABLE_SIZE).putInt(0).putInt(0);
        for (EfiRuntimeService s : EfiRuntimeService.values()) {
            b.putLong(s.offset(), virtualAddress.getOrDefault(s, 0L));
        }
        return b.array();
    }

    /** Return the virtual address the table gives a service, 0 without a runtime-code region. */
    public long pointer(EfiRuntimeService service) {
        return virtualAddress.getOrDefault(service, 0L);
    }

    /** Return one line for the trace about the table, and one per fault. */
    public List<String> installed() {
        List<String> out = new ArrayList<>();
        out.add(virtualAddress.isEmpty()
                ? String.format("UEFI firmware: EFI_RUNTIME_SERVICES at %#x, but the runtime map has no runtime-code "
                        + "region: every service pointer is 0", firmware.runtime())
                : String.format("UEFI firmware: EFI_RUNTIME_SERVICES at %#x; SetVariable at virtual %#x, ResetSystem "
                        + "at virtual %#x (runtime code, mapped where the kernel put it)", firmware.runtime(),
                        pointer(EfiRuntimeService.SET_VARIABLE), pointer(EfiRuntimeService.RESET_SYSTEM)));
        faults.forEach((s, k) -> out.add(new EfiFault(s, k).describe()));
        return out;
    }

    /** Return how the run ended in the firmware (a reset or a hang), if it did. */
    public Optional<Result> ending() {
        return ended;
    }

    /** Return the calls so far and the variables now. */
    public EfiRuntimeReport report() {
        return new EfiRuntimeReport(firmware.runtime(), calls, List.copyOf(variables.values()));
    }

    @Override
    public Result call(long function, List<EfiRuntimeCall.Argument> arguments) {
        EfiRuntimeService service = byPhysical.get(function);
        if (service == null) {
            return returned(String.format("EFI call to physical %#x, where no runtime service starts", function),
                    UNSUPPORTED);
        }
        EfiFault.Kind fault = faults.get(service);
        String name = service.specName();
        if (fault == EfiFault.Kind.HANG) {
            Result r = new Result(0, Ending.HUNG, "EFI " + name + " never returned: the CPU stays in the firmware "
                    + "(injected hang)", List.of("EFI " + name + ": the call never returns (injected hang)"));
            calls.add(name + ": hung");
            ended = Optional.of(r);
            return r;
        }
        if (fault == EfiFault.Kind.FAIL) {
            return returned("EFI " + name + ": injected failure, nothing done", DEVICE_ERROR);
        }
        return switch (service) {
            case SET_VARIABLE -> setVariable(arguments);
            case GET_VARIABLE -> getVariable(arguments);
            case RESET_SYSTEM -> resetSystem(arguments, fault == EfiFault.Kind.RETURN);
            default -> returned("EFI " + name + ": not implemented by this firmware", UNSUPPORTED);
        };
    }

    private Result returned(String what, long status) {
        String line = what + String.format(" -> %#x%s", status, status == SUCCESS ? " (EFI_SUCCESS)" : "");
        calls.add(line);
        return new Result(status, Ending.RETURNED, line, List.of(line));
    }

    private Result setVariable(List<EfiRuntimeCall.Argument> a) {
        Optional<String> name = name(a, 0);
        Optional<String> guid = guid(a, 1);
        if (a.size() < 5 || name.isEmpty() || guid.isEmpty() || !(a.get(2) instanceof EfiRuntimeCall.Value attr)
                || !(a.get(3) instanceof EfiRuntimeCall.Value size)) {
            return returned("EFI SetVariable: malformed arguments", INVALID_PARAMETER);
        }
        String key = name.get() + "-" + guid.get();
        if (size.value() == 0 || attr.value() == 0) {
            EfiVariable gone = variables.remove(key);
            return returned("EFI SetVariable(" + key + ", delete)", gone == null ? NOT_FOUND : SUCCESS);
        }
        byte[] data = a.get(4) instanceof EfiRuntimeCall.Bytes b ? b.bytes() : new byte[0];
        if (size.value() < 0 || size.value() > data.length) {
            return returned(String.format("EFI SetVariable(%s): DataSize %d but only %d bytes at Data", key,
                    size.value(), data.length), INVALID_PARAMETER);
        }
        EfiVariable v = new EfiVariable(name.get(), guid.get(), attr.value(),
                java.util.Arrays.copyOf(data, (int) size.value()));
        variables.put(key, v);
        return returned("EFI SetVariable(" + v.describe() + ")", SUCCESS);
    }

    private Result getVariable(List<EfiRuntimeCall.Argument> a) {
        Optional<String> name = name(a, 0);
        Optional<String> guid = guid(a, 1);
        if (a.size() < 5 || name.isEmpty() || guid.isEmpty() || !(a.get(3) instanceof EfiRuntimeCall.Bytes sizeAt)
                || sizeAt.bytes().length < 8) {
            return returned("EFI GetVariable: malformed arguments", INVALID_PARAMETER);
        }
        String key = name.get() + "-" + guid.get();
        EfiVariable v = variables.get(key);
        if (v == null) {
            return returned("EFI GetVariable(" + key + ")", NOT_FOUND);
        }
        long room = ByteBuffer.wrap(sizeAt.bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return returned(String.format("EFI GetVariable(%s, %d bytes of room): %d bytes", key, room,
                v.data().length), Long.compareUnsigned(room, v.data().length) < 0 ? BUFFER_TOO_SMALL : SUCCESS);
    }

    private Result resetSystem(List<EfiRuntimeCall.Argument> a, boolean returns) {
        long type = !a.isEmpty() && a.get(0) instanceof EfiRuntimeCall.Value v ? v.value() : -1;
        String typeName = switch ((int) type) {
            case 0 -> "EfiResetCold";
            case 1 -> "EfiResetWarm";
            case 2 -> "EfiResetShutdown";
            case 3 -> "EfiResetPlatformSpecific";
            default -> String.format("type %#x", type);
        };
        if (returns) {
            return returned("EFI ResetSystem(" + typeName + "): injected fault, it returns instead of resetting",
                    SUCCESS);
        }
        String what = type == 2 ? "the firmware powers the machine off" : "the firmware resets the machine";
        String next = type == 2 ? "" : report().bootNext()
                .map(n -> String.format("; BootNext=0x%04x: it boots Boot%04X next", n, n))
                .orElse("; no BootNext: it boots by BootOrder");
        String line = "EFI ResetSystem(" + typeName + "): " + what + next;
        calls.add(line);
        Result r = new Result(SUCCESS, Ending.RESET, line, List.of(line));
        ended = Optional.of(r);
        return r;
    }

    /** A NUL-terminated UCS-2 name at a pointer argument. */
    private static Optional<String> name(List<EfiRuntimeCall.Argument> a, int i) {
        if (i >= a.size() || !(a.get(i) instanceof EfiRuntimeCall.Bytes b)) {
            return Optional.empty();
        }
        byte[] bytes = b.bytes();
        for (int n = 0; n + 1 < bytes.length; n += 2) {
            if (bytes[n] == 0 && bytes[n + 1] == 0) {
                return n == 0 ? Optional.empty()
                        : Optional.of(new String(bytes, 0, n, StandardCharsets.UTF_16LE));
            }
        }
        return Optional.empty();
    }

    /** An EFI_GUID (u32, u16, u16 little-endian, then 8 bytes) at a pointer argument, in registry form. */
    private static Optional<String> guid(List<EfiRuntimeCall.Argument> a, int i) {
        if (i >= a.size() || !(a.get(i) instanceof EfiRuntimeCall.Bytes b) || b.bytes().length < 16) {
            return Optional.empty();
        }
        ByteBuffer g = ByteBuffer.wrap(b.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        HexFormat hex = HexFormat.of();
        byte[] bytes = b.bytes();
        return Optional.of(String.format("%08x-%04x-%04x-%s-%s", g.getInt(0), Short.toUnsignedInt(g.getShort(4)),
                Short.toUnsignedInt(g.getShort(6)), hex.formatHex(bytes, 8, 10), hex.formatHex(bytes, 10, 16)));
    }
}
