package io.handoff.launcher;

import io.handoff.core.load.KexecSyscalls;
import io.handoff.core.load.LoadLock;
import io.handoff.core.load.LoadMethod;
import io.handoff.core.load.Loader;
import io.handoff.core.plugin.HostPlatform;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code handoff unload}: unload the kernel loaded for reboot, or with {@code --crash} the capture kernel.
 */
@Command(name = "unload", mixinStandardHelpOptions = true,
        description = "Unload the kernel loaded for 'handoff exec', or with --crash the capture kernel.")
final class UnloadCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = {"-p", "--crash"}, description = "Unload the capture kernel (kdump).")
    boolean crash;

    @ArgGroup(exclusive = true)
    LoadMethodOptions method;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", hidden = true,
            description = "Machine root (tests only): where the kexec status is read.")
    Path root;

    @Mixin
    PluginTrust trust;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LoadMethod used;
        java.util.List<String> disarmed = new java.util.ArrayList<>();
        trust.check(common.pluginsDir(), spec.commandLine().getErr());
        try (HandoffRuntime runtime = HandoffRuntime.start(common)) {
            // kexec_load's architecture bits must name the running kernel's: the host's platform's
            HostPlatform host = runtime.host();
            KexecSyscalls syscalls = runtime.syscalls();
            Loader.requireRoot(syscalls, "unload");
            try (LoadLock lock = runtime.loadLock()) {
                used = new Loader(syscalls, root).unload(crash, LoadMethodOptions.of(method), host.kexecArch());
                try {
                    LoadRecord.remove(runtime.stateDir(), crash);
                } catch (java.io.IOException e) {
                    spec.commandLine().getErr().println("handoff: unloaded, but " + LoadRecord.file(runtime.stateDir(),
                            crash) + " could not be removed: " + e.getMessage());
                }
                if (crash) {
                    // what a crash assist installed at load time goes with the capture kernel
                    for (io.handoff.api.spi.CrashAssist assist : runtime.assists()) {
                        assist.disarm(new io.handoff.api.spi.CrashAssist.ArmTarget(root, java.util.Map.of(),
                                java.util.Optional.empty())).forEach(line -> disarmed.add(assist.id() + ": " + line));
                    }
                }
            }
        }
        spec.commandLine().getOut().printf("unloaded the %s with %s%n",
                crash ? "capture kernel" : "kernel loaded for 'handoff exec'", used.syscall());
        disarmed.forEach(line -> spec.commandLine().getOut().println("assist " + line));
        return 0;
    }
}
