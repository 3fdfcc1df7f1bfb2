package io.handoff.launcher;

import picocli.CommandLine.IVersionProvider;

/**
 * Reports the launcher's version from its jar manifest.
 */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {Main.versionLine()};
    }
}
