package io.handoff.launcher;

import io.handoff.core.load.LoadMethod;
import picocli.CommandLine.Option;

/**
 * {@code --file-load} or {@code --auto}: which syscall loads (default kexec_load).
 */
final class LoadMethodOptions {
    @Option(names = {"-s", "--file-load"},
            description = "Use kexec_file_load: the kernel places the image and runs its own purgatory (works under"
                    + " lockdown with a signed kernel; no last words).")
    boolean fileLoad;

    @Option(names = {"-a", "--auto"}, description = "Use kexec_load, and kexec_file_load when lockdown refuses it.")
    boolean auto;

    /** Return the method these options select ({@code group} is null when neither was given). */
    static LoadMethod of(LoadMethodOptions group) {
        if (group == null) {
            return LoadMethod.KEXEC_LOAD;
        }
        return group.fileLoad ? LoadMethod.FILE_LOAD : group.auto ? LoadMethod.AUTO : LoadMethod.KEXEC_LOAD;
    }
}
