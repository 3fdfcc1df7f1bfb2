package io.handoff.launcher;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The {@code handoff} command: entry point of the launcher.
 */
public final class Main {
    private Main() {
    }

    /**
     * Run the CLI and exit with its code.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        // autoflush only flushes println: output that ends without a line break (plan --json) would be lost
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Run the CLI without exiting (tests call this).
     *
     * @param args the arguments
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new HandoffCommand());
        cli.setOverwrittenOptionsAllowed(true);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(t -> t instanceof HandoffException h ? h.kind().exitCode()
                : FailureKind.INTERNAL.exitCode());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof HandoffException h) {
                commandLine.getErr().println("handoff: " + h.getMessage());
                return h.kind().exitCode();
            }
            commandLine.getErr().println("handoff: internal error: " + ex);
            ex.printStackTrace(commandLine.getErr());
            return FailureKind.INTERNAL.exitCode();
        });
        cli.setParameterExceptionHandler((ex, args1) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("handoff: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return FailureKind.USAGE.exitCode();
        });
        return cli.execute(args);
    }
}
