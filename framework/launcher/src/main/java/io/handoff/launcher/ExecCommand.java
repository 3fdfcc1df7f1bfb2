package io.handoff.launcher;

import io.handoff.core.load.LoadLock;
import io.handoff.core.load.Loader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code handoff exec}: reboot into the kernel {@code handoff load} loaded, without firmware.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Reboot now into the kernel 'handoff load' loaded (file systems are synced; services are",
            "not stopped: use 'systemctl kexec' for an orderly shutdown)."})
final class ExecCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", hidden = true,
            description = "Machine root (tests only): where the kexec status is read.")
    Path root;

    @Mixin
    PluginTrust trust;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        trust.check(common.pluginsDir(), spec.commandLine().getErr());
        try (HandoffRuntime runtime = HandoffRuntime.start(common); LoadLock lock = runtime.loadLock()) {
            new Loader(runtime.syscalls(), root).exec(() -> {
                // every check has passed: the next call does not return when it succeeds
                spec.commandLine().getOut().println("rebooting into the loaded kernel");
                spec.commandLine().getOut().flush();
            });
        }
        return 0;
    }
}
