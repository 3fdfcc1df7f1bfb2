package io.handoff.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code handoff version}: the version line, as {@code handoff --version} prints it.
 */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version and exit.")
final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(Main.versionLine());
        return 0;
    }
}
