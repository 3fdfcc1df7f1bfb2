package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Runs the {@code handoff} command line with picocli: the one place failures become exit codes.
 *
 * <p>A {@link HandoffException} is one line {@code handoff: <file or option>: <problem>} and its kind's exit code;
 * a usage error exit code 2; an option value picocli cannot convert exit code 11, as a bad configuration value;
 * anything else (a bug, {@link OutOfMemoryError}) one line {@code handoff: internal error: <summary> (details in
 * <log file>)} and exit code 1, the stack trace going to the log file ({@link CrashLog}).
 */
final class CliRunner {
    private CliRunner() {
    }

    /**
     * Run the CLI without exiting (tests call this).
     *
     * @param args the arguments
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        try {
            CommandLine cli = HandoffCommand.commandLine(args);
            cli.setOverwrittenOptionsAllowed(true);
            cli.setOut(out);
            cli.setErr(err);
            cli.setExitCodeExceptionMapper(t -> t instanceof HandoffException h ? h.kind().exitCode()
                    : FailureKind.INTERNAL.exitCode());
            cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
                if (ex instanceof HandoffException h) {
                    commandLine.getErr().println("handoff: " + oneLine(h.getMessage()));
                    return h.kind().exitCode();
                }
                return internalError(ex, args, commandLine.getErr());
            });
            cli.setParameterExceptionHandler((ex, args1) -> {
                CommandLine c = ex.getCommandLine();
                c.getErr().println("handoff: " + oneLine(ex.getMessage()));
                if (isValueError(ex)) {
                    // the option is right but its value is not: the same code as a bad configuration value
                    return FailureKind.CONFIGURATION.exitCode();
                }
                c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
                return FailureKind.USAGE.exitCode();
            });
            StartupProfile.mark("cli");
            return cli.execute(args);
        } catch (HandoffException h) {
            err.println("handoff: " + oneLine(h.getMessage()));
            return h.kind().exitCode();
        } catch (Throwable t) { // NOPMD: the one place every failure, OutOfMemoryError included, becomes one line
            return internalError(t, args, err);
        }
    }

    /**
     * Report an unexpected failure as one line naming a log file that holds its trace; return exit code 1.
     *
     * @param failure what was thrown
     * @param args the command line, recorded in the log
     * @param err standard error
     * @return {@link FailureKind#INTERNAL}'s exit code
     */
    static int internalError(Throwable failure, String[] args, PrintWriter err) {
        Optional<Path> log;
        try {
            log = CrashLog.write(failure, args);
        } catch (Throwable again) { // NOPMD: out of memory again, say what we can
            log = Optional.empty();
        }
        err.println("handoff: internal error: " + summary(failure) + log.map(p -> " (details in " + p + ")")
                .orElse(" (no log file could be written)"));
        err.flush();
        return FailureKind.INTERNAL.exitCode();
    }

    /** Return a short description of a throwable: its class and message, the root cause's too. */
    static String summary(Throwable failure) {
        if (failure instanceof OutOfMemoryError) {
            return "out of memory" + (failure.getMessage() == null ? "" : " (" + failure.getMessage() + ")");
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = describe(failure) + (root == failure ? "" : ", caused by " + describe(root));
        return oneLine(text);
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** Return whether picocli refused an option's value (rather than the option or the command line). */
    private static boolean isValueError(CommandLine.ParameterException ex) {
        return ex.getCause() instanceof CommandLine.TypeConversionException
                || ex.getMessage() != null && ex.getMessage().startsWith("Invalid value for ");
    }
}
