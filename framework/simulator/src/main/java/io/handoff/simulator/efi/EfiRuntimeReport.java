package io.handoff.simulator.efi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * What the simulated UEFI runtime services saw in one run: the calls and the variables at the end.
 *
 * @param runtimeServicesTable the physical address of the EFI_RUNTIME_SERVICES table the firmware wrote
 * @param calls one line per call, in order, with its status or how it ended
 * @param variables the variables at the end of the run, in the order they were first written
 * @since 0.3
 */
public record EfiRuntimeReport(long runtimeServicesTable, List<String> calls, List<EfiVariable> variables) {
    public EfiRuntimeReport {
        calls = List.copyOf(calls);
        variables = List.copyOf(variables);
    }

    /** Return the variable with this name and GUID, if the firmware holds it. */
    public Optional<EfiVariable> variable(String name, String guid) {
        return variables.stream().filter(v -> v.name().equals(name) && v.guid().equalsIgnoreCase(guid)).findFirst();
    }

    /** Return BootNext (EFI_GLOBAL_VARIABLE, a little-endian u16), when it is set with at least two bytes. */
    public Optional<Integer> bootNext() {
        return variable("BootNext", EfiVariable.GLOBAL).filter(v -> v.data().length >= 2)
                .map(v -> Short.toUnsignedInt(ByteBuffer.wrap(v.data()).order(ByteOrder.LITTLE_ENDIAN).getShort()));
    }
}
