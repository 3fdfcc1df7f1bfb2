package io.handoff.api.plan;

import java.util.List;
import java.util.Objects;

/**
 * One call of a UEFI runtime service from purgatory, as a firmware plugin asks an architecture for it.
 *
 * <p>The function pointer is read at run time from the runtime services table (physical address
 * {@code runtimeTable}, the {@code /sys/firmware/efi/runtime} value) at the service's offset; it is a virtual
 * address once the kernel called SetVirtualAddressMap, which is why the call runs on {@code pageTables}.
 *
 * @param pageTables the physical address of the root page table the call runs on
 * @param runtimeTable the physical address of EFI_RUNTIME_SERVICES
 * @param service the service called
 * @param arguments the arguments in order (at most five)
 * @param returns true when the service must return EFI_SUCCESS; false for a call that must not return at all
 *     (ResetSystem), so returning is the failure
 * @param policy what a failure does: {@code REQUIRED} runs the fallback, {@code BEST_EFFORT} goes on,
 *     {@code AFTER_SUCCESS} runs only when the step before it succeeded
 * @param description what the call is for, for plan.txt
 * @since 0.3
 */
public record EfiRuntimeCall(long pageTables, long runtimeTable, EfiRuntimeService service, List<Argument> arguments,
                             boolean returns, PurgatoryStep.FailurePolicy policy, String description) {
    /** The most arguments a runtime service takes (SetVariable, QueryCapsuleCapabilities). */
    public static final int MAX_ARGUMENTS = 5;

    public EfiRuntimeCall {
        Objects.requireNonNull(service, "service");
        arguments = List.copyOf(arguments);
        if (arguments.size() > MAX_ARGUMENTS) {
            throw new IllegalArgumentException("at most " + MAX_ARGUMENTS + " arguments: " + arguments.size());
        }
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(description, "description");
    }

    /** One argument: a number passed as it is, or bytes the step carries and passes a pointer to. */
    public sealed interface Argument permits Value, Bytes {
    }

    /**
     * A number passed in the argument's register or stack slot.
     *
     * @param value the 64-bit value
     */
    public record Value(long value) implements Argument {
    }

    /**
     * Bytes carried in the step; the argument is their address in purgatory's memory (8-byte aligned).
     *
     * @param bytes the bytes (a UCS-2 name, a GUID, variable data)
     */
    public record Bytes(byte[] bytes) implements Argument {
        public Bytes {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && java.util.Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Bytes[" + bytes.length + "]";
        }
    }
}
