package io.handoff.core.load;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.SyscallNumbers;
import io.handoff.api.plan.SegmentData;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kexec syscalls through libc's {@code syscall(2)} (JNA), with the numbers the host's platform declares.
 *
 * <p>File-backed segments (kernel, initrd) are memory-mapped read-only and handed to the kernel by address,
 * so an image is never copied into the Java heap; the kernel copies the pages during the call. A segment to
 * corrupt (tests) is mapped privately through libc, so the inverted byte lives in one copied page, never in the file.
 */
public final class JnaKexecSyscalls implements KexecSyscalls {
    private static final Logger LOG = LoggerFactory.getLogger(JnaKexecSyscalls.class);

    private static final long LINUX_REBOOT_MAGIC1 = 0xfee1deadL;
    private static final long LINUX_REBOOT_MAGIC2 = 672274793L;
    private static final long LINUX_REBOOT_CMD_KEXEC = 0x45584543L;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x2;
    private static final long PAGE = 4096;

    /** The libc functions used. */
    interface LibC extends Library {
        long syscall(long number, Object... args) throws LastErrorException;

        int open(String path, int flags) throws LastErrorException;

        int close(int fd);

        void sync();

        int geteuid();

        Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset) throws LastErrorException;

        int munmap(Pointer addr, long length);
    }

    /** A private writable mapping made through libc, unmapped after the call. */
    private record PrivateMapping(Pointer base, long length, long address) {
    }

    private final LibC libc;
    private final SyscallNumbers numbers;

    private JnaKexecSyscalls(LibC libc, SyscallNumbers numbers) {
        this.libc = libc;
        this.numbers = numbers;
    }

    /**
     * Return the real syscalls with the host's numbers.
     *
     * @param numbers the syscall numbers of the running kernel's architecture, as its platform declares them
     *     ({@link io.handoff.core.plugin.HostPlatform}), never {@code null}
     * @throws HandoffException NOT_AVAILABLE when this is not Linux or libc cannot be loaded
     */
    public static JnaKexecSyscalls create(SyscallNumbers numbers) {
        Objects.requireNonNull(numbers, "numbers");
        String os = System.getProperty("os.name");
        if (!"Linux".equals(os)) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, "kexec syscalls: kexec is Linux's (this is " + os
                    + "/" + System.getProperty("os.arch") + ")");
        }
        try {
            // the process's own symbol scope, as a C program links: syscall() resolves to libc's, or to an
            // LD_PRELOAD interposer's (the benchmark and differential harness intercept kexec_load there)
            return new JnaKexecSyscalls(Native.load(null, LibC.class), numbers);
        } catch (UnsatisfiedLinkError e) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, "kexec syscalls: cannot load libc through JNA: "
                    + e.getMessage().lines().findFirst().orElse("") + " (set -Djna.tmpdir to a writable directory)", e);
        }
    }

    @Override
    public int kexecLoad(long entry, List<KexecSegment> segments, long flags) {
        List<Object> keepAlive = new ArrayList<>();
        try {
            long[] addresses = new long[segments.size()];
            for (int i = 0; i < segments.size(); i++) {
                addresses[i] = buffer(segments.get(i), keepAlive);
            }
            Pointer array = null;
            if (!segments.isEmpty()) {
                byte[] structs = KexecSegments.encode(segments, i -> addresses[i]);
                Memory m = new Memory(structs.length);
                m.write(0, structs, 0, structs.length);
                keepAlive.add(m);
                array = m;
            }
            LOG.debug("kexec_load(entry=0x{}, nr_segments={}, flags=0x{})", Long.toHexString(entry), segments.size(),
                    Long.toHexString(flags));
            libc.syscall(numbers.kexecLoad(), entry, (long) segments.size(), array, flags);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        } finally {
            // the mappings must outlive the call: the kernel reads them during kexec_load
            Reference.reachabilityFence(keepAlive);
            for (Object o : keepAlive) {
                if (o instanceof PrivateMapping pm) {
                    libc.munmap(pm.base(), pm.length());
                }
            }
        }
    }

    /** Return the user-space address of a segment's bytes, keeping what backs it reachable. */
    private long buffer(KexecSegment segment, List<Object> keepAlive) {
        SegmentData data = segment.data();
        if (data.length() == 0) {
            return 0;
        }
        if (data instanceof SegmentData.Bytes bytes) {
            Memory m = new Memory(bytes.data().length);
            m.write(0, bytes.data(), 0, bytes.data().length);
            segment.flipByteAt().ifPresent(at -> m.setByte(at, (byte) ~m.getByte(at)));
            keepAlive.add(m);
            return Pointer.nativeValue(m);
        }
        if (data instanceof SegmentData.FileSlice slice && segment.flipByteAt().isPresent()) {
            PrivateMapping pm = mapPrivately(slice);
            keepAlive.add(pm);
            long at = segment.flipByteAt().getAsLong();
            Pointer p = new Pointer(pm.address());
            p.setByte(at, (byte) ~p.getByte(at));
            return pm.address();
        }
        if (data instanceof SegmentData.FileSlice slice) {
            ByteBuffer mapped = map(slice);
            keepAlive.add(mapped);
            return Pointer.nativeValue(Native.getDirectBufferPointer(mapped));
        }
        throw new IllegalArgumentException(segment.role() + ": no bytes to load from " + data);
    }

    private static MappedByteBuffer map(SegmentData.FileSlice slice) {
        if (slice.length() > Integer.MAX_VALUE) {
            throw new HandoffException(FailureKind.DOES_NOT_FIT,
                    slice.file() + ": segment of " + slice.length() + " bytes is larger than 2 GiB");
        }
        try (FileChannel ch = FileChannel.open(slice.file(), StandardOpenOption.READ)) {
            // a mapping stays valid after its channel is closed
            return ch.map(FileChannel.MapMode.READ_ONLY, slice.offset(), slice.length());
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, slice.file() + ": cannot map offset "
                    + slice.offset() + " length " + slice.length() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Map a file slice copy-on-write from a read-only descriptor (FileChannel cannot: it wants a writable
     * channel for a private mapping, and the file may be on a read-only mount); only the page written to is copied.
     */
    private PrivateMapping mapPrivately(SegmentData.FileSlice slice) {
        long aligned = slice.offset() / PAGE * PAGE;
        long length = slice.offset() - aligned + slice.length();
        int fd = open(slice.file());
        try {
            Pointer base = libc.mmap(null, length, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, aligned);
            return new PrivateMapping(base, length, Pointer.nativeValue(base) + slice.offset() - aligned);
        } catch (LastErrorException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, slice.file() + ": cannot map offset "
                    + slice.offset() + " length " + slice.length() + " (" + Errno.name(e.getErrorCode()) + ")", e);
        } finally {
            libc.close(fd);
        }
    }

    @Override
    public int kexecFileLoad(Optional<Path> kernel, Optional<Path> initrd, Optional<String> cmdline, long flags) {
        int kernelFd = -1;
        int initrdFd = -1;
        try {
            if (kernel.isPresent()) {
                kernelFd = open(kernel.get());
            }
            if (initrd.isPresent()) {
                initrdFd = open(initrd.get());
            }
            // cmdline_len counts the terminating NUL; JNA passes a String as a NUL-terminated C string
            long length = cmdline.map(c -> (long) c.getBytes(StandardCharsets.UTF_8).length + 1).orElse(0L);
            LOG.debug("kexec_file_load(kernel={}, initrd={}, cmdline_len={}, flags=0x{})", kernel, initrd, length,
                    Long.toHexString(flags));
            libc.syscall(numbers.kexecFileLoad(), (long) kernelFd, (long) initrdFd, length, cmdline.orElse(null), flags);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        } finally {
            if (kernelFd >= 0) {
                libc.close(kernelFd);
            }
            if (initrdFd >= 0) {
                libc.close(initrdFd);
            }
        }
    }

    private int open(Path file) {
        try {
            return libc.open(file.toString(), O_RDONLY | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE,
                    file + ": cannot open (" + Errno.name(e.getErrorCode()) + ")", e);
        }
    }

    @Override
    public int rebootIntoLoadedKernel() {
        libc.sync();
        try {
            libc.syscall(numbers.reboot(), LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_KEXEC, null);
            return 0;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }

    @Override
    public boolean privileged() {
        return libc.geteuid() == 0;
    }
}
