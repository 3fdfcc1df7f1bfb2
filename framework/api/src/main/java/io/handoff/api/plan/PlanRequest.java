package io.handoff.api.plan;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the user asked for: a kexec reboot or a kdump load, with its kernel, initrd and command line.
 *
 * @param mode reboot or crash
 * @param kernel the kernel image file
 * @param initrd the initrd, if any
 * @param commandLine the command line as given (or reused from {@code /proc/cmdline}); platforms append to it
 * @param options platform options from the command line ({@code --memmap=cmdline} → {@code memmap=cmdline})
 * @since 0.1
 */
public record PlanRequest(Mode mode, Path kernel, Optional<Path> initrd, String commandLine,
                          Map<String, String> options) {
    public PlanRequest {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(commandLine, "commandLine");
        options = Map.copyOf(options);
    }

    /** Return whether this is a crash (kdump) load. */
    public boolean crash() {
        return mode == Mode.KDUMP;
    }

    /** The two kinds of handoff. */
    public enum Mode {
        /** Reboot into a new kernel ({@code kexec -l}). */
        KEXEC,
        /** Load a capture kernel into the crash region, booted on panic ({@code kexec -p}). */
        KDUMP
    }
}
