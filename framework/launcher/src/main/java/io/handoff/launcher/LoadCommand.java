package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code handoff load}: refused until the purgatory runtime exists, and says so.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load a kernel with kexec_load (not available yet: this build has no purgatory runtime).")
final class LoadCommand implements Callable<Integer> {
    @Option(names = {"-p", "--crash"}, description = "Load the capture kernel for kdump.")
    boolean crash;

    @Mixin
    LastWordsCliOptions lastWords;

    @Override
    public Integer call() {
        // the options are checked already, so that a script gets its configuration errors before the refusal
        lastWords.overrides();
        throw new HandoffException(FailureKind.NOT_AVAILABLE,
                "load: this build has no purgatory runtime, so a plan cannot be loaded safely; "
                        + "use 'handoff plan' to inspect a plan, or kexec-tools to load");
    }
}
