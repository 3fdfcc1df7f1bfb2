package io.handoff.launcher;

import io.handoff.core.load.KexecSegment;
import io.handoff.core.load.KexecSyscalls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Kexec syscalls for launcher tests: records the calls and answers with the errno it is told to.
 */
final class RecordingKexec implements KexecSyscalls {
    final List<String> calls = new ArrayList<>();
    boolean root = true;
    int loadErrno;
    int fileLoadErrno;
    int rebootErrno;

    @Override
    public int kexecLoad(long entry, List<KexecSegment> segments, long flags) {
        calls.add("kexec_load");
        return loadErrno;
    }

    @Override
    public int kexecFileLoad(Optional<Path> kernel, Optional<Path> initrd, Optional<String> cmdline, long flags) {
        calls.add("kexec_file_load");
        return fileLoadErrno;
    }

    @Override
    public int rebootIntoLoadedKernel() {
        calls.add("reboot");
        return rebootErrno;
    }

    @Override
    public boolean privileged() {
        return root;
    }
}
