package io.handoff.core.plugin;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.SyscallNumbers;
import io.handoff.api.spi.Platform;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The loaded platform the host runs natively, found by the JVM's {@code os.arch} among the platforms'
 * {@link Platform#hostArchitectures()}: the one whose syscall numbers and kexec arch the running kernel speaks.
 *
 * @param platform the platform, never {@code null}
 * @param osArch the host's {@code os.arch}, never {@code null}
 * @since 0.2
 */
public record HostPlatform(Platform platform, String osArch) {
    /** Check that nothing is {@code null}. */
    public HostPlatform {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(osArch, "osArch");
    }

    /**
     * Return the one loaded platform that runs natively on a host of this {@code os.arch}.
     *
     * @param loaded the loaded platforms, never {@code null}
     * @param osArch the host's {@code os.arch}, such as {@code amd64}, never {@code null}
     * @return the host's platform
     * @throws HandoffException NOT_AVAILABLE when no loaded platform claims the architecture, PLATFORM when
     *     several do
     */
    public static HostPlatform find(Collection<LoadedPlatform> loaded, String osArch) {
        Objects.requireNonNull(osArch, "osArch");
        List<Platform> matches = loaded.stream().map(LoadedPlatform::platform)
                .filter(p -> p.hostArchitectures().contains(osArch)).toList();
        if (matches.size() > 1) {
            throw new HandoffException(FailureKind.PLATFORM, "several loaded platforms run natively on " + osArch + ": "
                    + matches.stream().map(Platform::id).collect(Collectors.joining(", ")));
        }
        if (matches.isEmpty()) {
            String known = loaded.stream().map(LoadedPlatform::id).collect(Collectors.joining(", "));
            throw new HandoffException(FailureKind.NOT_AVAILABLE, "no loaded platform runs natively on this host ("
                    + osArch + "; loaded: " + (known.isEmpty() ? "none" : known) + "): install its plugin");
        }
        return new HostPlatform(matches.get(0), osArch);
    }

    /**
     * Return the kexec syscall numbers the host's platform declares.
     *
     * @throws HandoffException NOT_AVAILABLE when it declares none
     */
    public SyscallNumbers syscallNumbers() {
        return platform.syscallNumbers().orElseThrow(() -> new HandoffException(FailureKind.NOT_AVAILABLE,
                "platform " + platform.id() + " runs on " + osArch + " but declares no kexec syscall numbers"));
    }

    /** Return kexec_load's architecture bits for the running kernel. */
    public int kexecArch() {
        return platform.kexecArch();
    }
}
