package io.handoff.core.archfixture;

import java.util.logging.Logger;

/** A deliberate violation for ArchitectureTests: java.util.logging in core. */
public final class CoreClassUsingJul {
    private static final Logger LOG = Logger.getLogger(CoreClassUsingJul.class.getName());

    /** Log through JUL, which bypasses the launcher's logging configuration. */
    public void log() {
        LOG.info("jul");
    }
}
