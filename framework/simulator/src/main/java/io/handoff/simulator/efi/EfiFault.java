package io.handoff.simulator.efi;

import io.handoff.api.plan.EfiRuntimeService;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A fault injected into one runtime service, as {@code handoff simulate --efi SERVICE:FAULT} spells it
 * ({@code set-variable:fail}, {@code reset-system:return}, {@code get-variable:hang}).
 *
 * @param service the service that misbehaves
 * @param kind how it misbehaves
 * @since 0.3
 */
public record EfiFault(EfiRuntimeService service, Kind kind) {
    public EfiFault {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(kind, "kind");
    }

    /** The ways a service misbehaves. */
    public enum Kind {
        /** It does nothing and returns EFI_DEVICE_ERROR. */
        FAIL("fail", "does nothing and returns EFI_DEVICE_ERROR"),
        /** ResetSystem returns EFI_SUCCESS instead of resetting; other services behave normally. */
        RETURN("return", "returns EFI_SUCCESS instead of resetting the machine"),
        /** The call never returns: the CPU stays in the firmware. */
        HANG("hang", "never returns (the CPU stays in the firmware)");

        private final String id;
        private final String description;

        Kind(String id, String description) {
            this.id = id;
            this.description = description;
        }

        /** Return the name the command line uses. */
        public String id() {
            return id;
        }

        /** Return what the fault does, for traces. */
        public String description() {
            return description;
        }
    }

    /** Return the service's name as the command line spells it: {@code SetVariable} is {@code set-variable}. */
    public static String cliName(EfiRuntimeService service) {
        return service.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Return the fault as the command line spells it. */
    @Override
    public String toString() {
        return cliName(service) + ":" + kind.id;
    }

    /** Return one line for the trace: {@code fault: EFI SetVariable does nothing and returns EFI_DEVICE_ERROR}. */
    public String describe() {
        return "fault: EFI " + service.specName() + " " + kind.description;
    }

    /**
     * Parse {@code SERVICE:FAULT}.
     *
     * @throws IllegalArgumentException listing the known names for anything else
     */
    public static EfiFault parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + text + "': expected SERVICE:FAULT, such as set-variable:fail");
        }
        String s = text.substring(0, colon).trim();
        String k = text.substring(colon + 1).trim();
        EfiRuntimeService service = Arrays.stream(EfiRuntimeService.values())
                .filter(v -> cliName(v).equalsIgnoreCase(s) || v.specName().equalsIgnoreCase(s)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + s + "' is not a runtime service; expected one of "
                        + Arrays.stream(EfiRuntimeService.values()).map(EfiFault::cliName)
                        .collect(Collectors.joining(", "))));
        Kind kind = Arrays.stream(Kind.values()).filter(v -> v.id.equalsIgnoreCase(k)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + k + "' is not an EFI fault; expected fail, "
                        + "return or hang"));
        return new EfiFault(service, kind);
    }
}
