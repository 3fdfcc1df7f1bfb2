package io.handoff.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code handoff} command, which only groups the subcommands.
 */
@Command(name = "handoff", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Load a second Linux kernel with kexec, for a fast reboot or to capture a crash dump.",
        subcommands = {PlatformsCommand.class, PlanCommand.class, CaptureCommand.class, LoadCommand.class,
            UnloadCommand.class, StatusCommand.class, ExecCommand.class, SimulateCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 internal error, 2 usage, 3 unreadable file, 4 malformed machine profile,",
            "5 no crash region, 6 segments do not fit, 7 unsupported kernel image, 8 command line too long,",
            "9 platform or plugin problem, 10 not available, 11 configuration or option value, 12 cannot write",
            "output, 13 the kernel refused the kexec load, unload or reboot (or not root), 14 refused as unsafe,",
            "15 busy: another handoff holds the load lock."})
final class HandoffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
