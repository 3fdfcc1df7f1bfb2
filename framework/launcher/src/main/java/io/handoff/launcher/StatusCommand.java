package io.handoff.launcher;

import io.handoff.core.load.KexecStatus;
import io.handoff.core.load.LoadMethod;
import io.handoff.core.load.Loader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code handoff status}: what the running kernel has loaded, and what a load would use.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show what the running kernel has loaded, its crash reservation, lockdown, and the syscall a load would use.")
final class StatusCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    CommonOptions common;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Machine root: / or a captured profile (default: ${DEFAULT-VALUE}).")
    Path root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        KexecStatus s = KexecStatus.read(root);
        out.printf("kexec:               %s%n", s.supported() ? "supported" : "not supported by the running kernel ("
                + "/" + KexecStatus.KEXEC_LOADED + " is missing)");
        out.printf("loaded for exec:     %s%n", s.loaded() ? "yes" : "no");
        out.printf("crash kernel loaded: %s%n", s.crashLoaded() ? "yes" : "no");
        out.printf("crash reservation:   %s%n", s.crashSize() == 0 ? "none (add crashkernel= to the kernel command line)"
                : s.crashSize() + " bytes (" + (s.crashSize() >> 20) + " MiB)");
        out.printf("lockdown:            %s%n", s.lockdown().orElse("unknown (/" + KexecStatus.LOCKDOWN + " unreadable)"));
        out.printf("kexec_load_disabled: %s%n", s.loadDisabled().map(d -> d ? "1 (until reboot)" : "0").orElse("unknown"));
        LoadMethod would = Loader.wouldUse(s, true, LoadMethod.AUTO);
        out.printf("a load would use:    %s%n", !s.supported()
                ? "nothing: the running kernel has no kexec (/" + KexecStatus.KEXEC_LOADED + " is missing)"
                : s.loadDisabled().orElse(false) && s.lockedDown()
                ? "nothing: kexec_load is disabled and lockdown needs a signed kernel: kexec_file_load with a kernel"
                        + " signed by a key the running kernel trusts"
                : would == LoadMethod.KEXEC_LOAD
                ? "kexec_load, with handoff's purgatory"
                : "kexec_file_load, with the kernel's own purgatory (" + (s.lockedDown()
                        ? "lockdown refuses kexec_load" : "kexec_load is disabled") + "): pass --file-load or --auto");
        // what the crash assists installed and what their last runs left behind
        try (HandoffRuntime runtime = HandoffRuntime.start(common)) {
            for (io.handoff.api.spi.CrashAssist assist : runtime.assists()) {
                for (String line : assist.status(new io.handoff.api.spi.CrashAssist.ArmTarget(root, java.util.Map.of(),
                        java.util.Optional.empty()))) {
                    out.printf("assist %s: %s%n", assist.id(), line);
                }
            }
        } catch (io.handoff.api.HandoffException e) {
            out.printf("assists:             unknown (%s)%n", e.getMessage());
        }
        return 0;
    }
}
