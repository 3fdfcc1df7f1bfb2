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
 * @param assist the crash assist asked for ({@code --assist ID}), empty for the platform's own jump
 * @since 0.1
 */
public record PlanRequest(Mode mode, Path kernel, Optional<Path> initrd, String commandLine,
                          Map<String, String> options, Optional<String> assist) {
    public PlanRequest {
        Objects.requireNonNull(assist, "assist");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(commandLine, "commandLine");
        options = Map.copyOf(options);
    }

    /** Create a request without a crash assist. */
    public PlanRequest(Mode mode, Path kernel, Optional<Path> initrd, String commandLine, Map<String, String> options) {
        this(mode, kernel, initrd, commandLine, options, Optional.empty());
    }

    /** Return the same request with other platform options. */
    public PlanRequest withOptions(Map<String, String> others) {
        return new PlanRequest(mode, kernel, initrd, commandLine, others, assist);
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
