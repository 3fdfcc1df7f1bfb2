package io.handoff.core.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link KexecSyscalls} that records every call and answers with the errno it is told to.
 */
final class FakeKexec implements KexecSyscalls {
    /** One recorded call. */
    record Call(String syscall, long entry, List<KexecSegment> segments, long flags, Optional<Path> kernel,
                Optional<Path> initrd, Optional<String> cmdline) {
    }

    final List<Call> calls = new ArrayList<>();
    int loadErrno;
    int fileLoadErrno;
    int rebootErrno = Errno.EINVAL;
    boolean root = true;

    @Override
    public int kexecLoad(long entry, List<KexecSegment> segments, long flags) {
        calls.add(new Call("kexec_load", entry, List.copyOf(segments), flags, Optional.empty(), Optional.empty(),
                Optional.empty()));
        return loadErrno;
    }

    @Override
    public int kexecFileLoad(Optional<Path> kernel, Optional<Path> initrd, Optional<String> cmdline, long flags) {
        calls.add(new Call("kexec_file_load", 0, List.of(), flags, kernel, initrd, cmdline));
        return fileLoadErrno;
    }

    @Override
    public int rebootIntoLoadedKernel() {
        calls.add(new Call("reboot", 0, List.of(), 0, Optional.empty(), Optional.empty(), Optional.empty()));
        return rebootErrno;
    }

    @Override
    public boolean privileged() {
        return root;
    }

    List<String> syscalls() {
        return calls.stream().map(Call::syscall).toList();
    }
}
