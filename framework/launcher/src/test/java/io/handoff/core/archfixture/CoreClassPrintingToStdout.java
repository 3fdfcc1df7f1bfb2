package io.handoff.core.archfixture;

/** A deliberate violation for ArchitectureTests: a core class that prints instead of logging. */
public final class CoreClassPrintingToStdout {
    /** Print a line to stdout, which only the launcher may do. */
    public void shout() {
        System.out.println("core must log, not print");
    }
}
