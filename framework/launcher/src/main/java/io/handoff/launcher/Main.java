package io.handoff.launcher;

import java.io.PrintWriter;

/**
 * The {@code handoff} command: entry point of the launcher.
 *
 * <p>It answers {@code --version} itself and hands everything else to {@link CliRunner}. This class refers to
 * nothing outside the JDK, so loading and verifying it opens no other jar: the version costs a JVM start and one
 * class, not picocli's command model.
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
        StartupProfile.mark("jvm");
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        StartupProfile.report(err);
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
        if (args.length == 1 && ("--version".equals(args[0]) || "-V".equals(args[0]))) {
            out.println(versionLine());
            return 0;
        }
        return CliRunner.run(args, out, err);
    }

    /** Return the one version line, {@code handoff <version>}, from the launcher jar's manifest. */
    static String versionLine() {
        String v = Main.class.getPackage().getImplementationVersion();
        return "handoff " + (v == null ? "(development build)" : v);
    }
}
