package io.handoff.launcher;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code handoff} command, which only groups the subcommands.
 *
 * <p>Subcommands are added by {@link #commandLine}, not declared in the annotation: picocli builds the model of
 * every declared subcommand up front (reflection over each option and mixin), and a command line names one.
 */
@Command(name = "handoff", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Load a second Linux kernel with kexec, for a fast reboot or to capture a crash dump.",
        footer = {"", "Exit codes: 0 ok, 1 internal error, 2 usage, 3 unreadable file, 4 malformed machine profile,",
            "5 no crash region, 6 segments do not fit, 7 unsupported kernel image, 8 command line too long,",
            "9 platform or plugin problem, 10 not available, 11 configuration or option value, 12 cannot write",
            "output, 13 the kernel refused the kexec load, unload or reboot (or not root), 14 refused as unsafe,",
            "15 busy: another handoff holds the load lock, 16 a matrix run failed."})
final class HandoffCommand implements Callable<Integer> {
    /** The subcommands, in the order {@code --help} lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("platforms", PlatformsCommand::new);
        SUBCOMMANDS.put("plan", PlanCommand::new);
        SUBCOMMANDS.put("capture", CaptureCommand::new);
        SUBCOMMANDS.put("load", LoadCommand::new);
        SUBCOMMANDS.put("unload", UnloadCommand::new);
        SUBCOMMANDS.put("status", StatusCommand::new);
        SUBCOMMANDS.put("estimate", EstimateCommand::new);
        SUBCOMMANDS.put("exec", ExecCommand::new);
        SUBCOMMANDS.put("simulate", SimulateCommand::new);
        SUBCOMMANDS.put("matrix", MatrixCommand::new);
        SUBCOMMANDS.put("version", VersionCommand::new);
        SUBCOMMANDS.put("help", CommandLine.HelpCommand::new);
    }

    @Spec
    CommandSpec spec;

    /**
     * Return the command line for these arguments: with only the subcommand they name, or with all of them when
     * they name none (top-level help, a mistyped name that picocli should report with the list).
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new HandoffCommand());
        // help names the command it explains, so it needs them all
        Supplier<Object> named = args.length > 0 && !"help".equals(args[0]) ? SUBCOMMANDS.get(args[0]) : null;
        if (named != null) {
            cli.addSubcommand(args[0], named.get());
        } else {
            SUBCOMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
        }
        // every subcommand answers -V/--version as the top level does (the mixin alone prints nothing)
        cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new Version()));
        HelpText.polish(cli);
        return cli;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
