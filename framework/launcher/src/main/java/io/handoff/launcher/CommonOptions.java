package io.handoff.launcher;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options every command that loads plugins shares: where plugins and configuration come from.
 */
final class CommonOptions {
    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Plugin directory (default: the distribution's plugins/).")
    Path plugins;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: /etc/handoff/handoff.conf when it exists).")
    Path config;

    @Option(names = {"-D", "--set"}, paramLabel = "PATH=VALUE",
            description = "Override one configuration value, e.g. -D handoff.purgatory.budget=20s.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = {"-q", "--quiet"},
            description = {"No progress and no notes on standard error (which kernel was taken, downloads);",
                "warnings and errors still appear."})
    boolean quiet;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Return where the command writes its diagnostics: its standard error, or the process's outside picocli. */
    PrintWriter err() {
        return command != null ? command.commandLine().getErr() : new PrintWriter(System.err, true);
    }

    /** Return where notes go (which kernel was taken, what is downloaded): standard error, or nowhere with --quiet. */
    PrintWriter notes() {
        return quiet ? new PrintWriter(java.io.Writer.nullWriter()) : err();
    }

    /** Return what hears the digester: a progress line on standard error when it is a terminal, unless --quiet. */
    io.handoff.core.digest.DigestProgress progress() {
        return !quiet && TerminalProgress.stderrIsTerminal() ? new TerminalProgress(err())
                : io.handoff.core.digest.DigestProgress.NONE;
    }

    /** Return the plugin directory: --plugins, else the distribution's. */
    Path pluginsDir() {
        if (plugins != null) {
            return plugins;
        }
        return Distribution.home().resolve("plugins");
    }
}
