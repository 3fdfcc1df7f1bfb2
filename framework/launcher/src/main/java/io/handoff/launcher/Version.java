package io.handoff.launcher;

import picocli.CommandLine.IVersionProvider;

/**
 * Reports the launcher's version from its jar manifest.
 */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"handoff " + (v == null ? "(development build)" : v)};
    }
}
