package io.handoff.api.arch;

import io.handoff.api.plan.EfiRuntimeCall;
import java.util.List;
import java.util.Objects;

/**
 * The UEFI runtime services of the reference machine's firmware, as an {@link ArchitectureSimulator} reaches them
 * once its CPU translated a service pointer through purgatory's page tables.
 *
 * <p>The firmware wrote an EFI_RUNTIME_SERVICES table at {@link #runtimeServicesTable()} (physical) whose pointers
 * are virtual addresses inside a runtime-code region of the machine's runtime map, so only page tables that map that
 * region at its virtual address reach the code. Firmware is no architecture: the model is the framework's, the
 * calling convention and the page-table walk are the platform's.
 *
 * @since 0.3
 */
public interface SimulatedEfiRuntime {
    /** Return the physical address of the EFI_RUNTIME_SERVICES table the firmware wrote. */
    long runtimeServicesTable();

    /**
     * Run the service whose code is at {@code function}, a physical address; an address where no service starts is
     * a CPU running into data: the model answers EFI_UNSUPPORTED with a note in its events.
     *
     * @param function the physical address the CPU reached through the page tables
     * @param arguments the arguments in order: numbers as {@link EfiRuntimeCall.Value}, pointer arguments as
     *     {@link EfiRuntimeCall.Bytes} holding the memory from the pointer on (the service reads what it needs)
     * @return the status and whether the call returned
     */
    Result call(long function, List<EfiRuntimeCall.Argument> arguments);

    /** How a call ended. */
    enum Ending {
        /** The service returned its status to the caller. */
        RETURNED,
        /** The service reset the machine (ResetSystem): the CPU left purgatory. */
        RESET,
        /** The service never returned (an injected hang): the CPU stays in the firmware. */
        HUNG
    }

    /**
     * What one call did.
     *
     * @param status the EFI status returned (meaningful for {@link Ending#RETURNED})
     * @param ending whether it returned, reset the machine or hung
     * @param description one line, such as {@code "EFI ResetSystem(EfiResetWarm): the firmware resets the machine"}
     * @param events what the firmware did, one line each, for the trace
     */
    record Result(long status, Ending ending, String description, List<String> events) {
        public Result {
            Objects.requireNonNull(ending, "ending");
            Objects.requireNonNull(description, "description");
            events = List.copyOf(events);
        }
    }
}
