package io.handoff.testkit;

import com.sun.jna.Callback;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The purgatory runtime's host build ({@code libhandoff-purgatory-host.so}, FORMAT.md §6), driven through JNA.
 *
 * <p>The library is the same C step interpreter that runs between kernels, compiled with a HAL whose
 * port I/O, memory access, jump, halt and reset are function pointers; here they call back into the
 * reference machine's {@link PortBus} and {@link PhysicalMemory}, charge virtual time, and record how
 * the run ended. The library comes from {@code -Dhandoff.purgatory.host=PATH}, else from the class-path
 * resource {@value #RESOURCE} (the {@code framework-purgatory} jar), extracted once to a temporary file.
 */
public final class HostPurgatory {
    /** The class-path resource holding the host build for x86_64 Linux hosts. */
    public static final String RESOURCE = "native/linux-x86-64/libhandoff-purgatory-host.so";
    /** The system property naming the library file directly. */
    public static final String PROPERTY = "handoff.purgatory.host";
    /** Status of {@code purgatory_host_run}: the program jumped. */
    public static final int JUMPED = 1;
    /** Status: the program halted. */
    public static final int HALTED = 2;
    /** Status: the program reset the machine. */
    public static final int RESET = 3;

    private static final Logger LOG = LoggerFactory.getLogger(HostPurgatory.class);
    /** Bytes copied per piece between native buffers and the sparse memory. */
    private static final int PIECE = 1 << 20;
    // the runtime keeps its HAL and unwind point in globals: one run at a time per process
    private static final Object RUN_LOCK = new Object();
    private static Path extracted;

    private final Path library;
    private final Native64 api;

    /** The exported entry point. */
    public interface Native64 extends com.sun.jna.Library {
        /** {@code int purgatory_host_run(const purgatory_host_hal *hal, const void *param_area, uint64_t len)}. */
        int purgatory_host_run(Hal hal, Pointer paramArea, long paramLen);
    }

    /** {@code uint8_t (*inb)(uint16_t port)}. */
    public interface InbFn extends Callback {
        /** Read a port. */
        byte invoke(short port);
    }

    /** {@code void (*outb)(uint16_t port, uint8_t value)}. */
    public interface OutbFn extends Callback {
        /** Write a port. */
        void invoke(short port, byte value);
    }

    /** {@code void (*read|write)(uint64_t addr, void *buf, uint64_t len)}. */
    public interface MemoryFn extends Callback {
        /** Move bytes between physical memory and the buffer. */
        void invoke(long address, Pointer buffer, long length);
    }

    /** {@code void (*jump_x86_64)(const uint64_t *regs17)}. */
    public interface JumpFn extends Callback {
        /** Record the jump. */
        void invoke(Pointer registers);
    }

    /** {@code void (*halt|reset)(uint64_t code)}. */
    public interface CodeFn extends Callback {
        /** Record the halt reason or the reset method. */
        void invoke(long code);
    }

    /** {@code struct purgatory_host_hal}: seven function pointers, in FORMAT.md §6 order. */
    @Structure.FieldOrder({"inb", "outb", "read", "write", "jump_x86_64", "halt", "reset"})
    public static final class Hal extends Structure {
        /** Port read. */
        public InbFn inb;
        /** Port write. */
        public OutbFn outb;
        /** Physical memory to buffer. */
        public MemoryFn read;
        /** Buffer to physical memory. */
        public MemoryFn write;
        /** The x86_64 jump. */
        public JumpFn jump_x86_64;
        /** Halt. */
        public CodeFn halt;
        /** Reset. */
        public CodeFn reset;
    }

    /**
     * What one run returned.
     *
     * @param status the library's return value (1 jumped, 2 halted, 3 reset, negative: refused)
     * @param handoff the recorded ending
     * @param handoffAt the virtual time the jump, halt or reset was recorded; empty when none was
     * @param callbackError the first exception a callback threw (a bug in the machine or a wild access)
     */
    public record Result(int status, Handoff handoff, Optional<Duration> handoffAt, Optional<Throwable> callbackError) {
    }

    private HostPurgatory(Path library) {
        this.library = library;
        this.api = Native.load(library.toString(), Native64.class);
    }

    /**
     * Load the host build from a file.
     *
     * @throws HandoffException NOT_AVAILABLE naming the file when it is missing or not a loadable library
     */
    public static HostPurgatory load(Path library) {
        if (!Files.isRegularFile(library)) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, library + ": no purgatory host library there");
        }
        try {
            return new HostPurgatory(library.toAbsolutePath());
        } catch (UnsatisfiedLinkError e) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE,
                    library + ": cannot load the purgatory host library: " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Load the host build the standard way: {@code -Dhandoff.purgatory.host}, else the class-path resource.
     *
     * @throws HandoffException NOT_AVAILABLE saying where it looked when there is none
     */
    public static HostPurgatory load() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return load(Path.of(property));
        }
        return load(extractResource());
    }

    /** Return whether a host build can be found the standard way, without loading it. */
    public static boolean available() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Files.isRegularFile(Path.of(property));
        }
        return HostPurgatory.class.getClassLoader().getResource(RESOURCE) != null;
    }

    /** Return the library file in use. */
    public Path library() {
        return library;
    }

    private static synchronized Path extractResource() {
        if (extracted != null && Files.isRegularFile(extracted)) {
            return extracted;
        }
        try (InputStream in = HostPurgatory.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new HandoffException(FailureKind.NOT_AVAILABLE, "the purgatory host runtime is not available: "
                        + "no -D" + PROPERTY + "=PATH and no " + RESOURCE + " on the class path (framework-purgatory jar)");
            }
            Path file = Files.createTempFile("handoff-purgatory-host", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            extracted = file;
            return file;
        } catch (IOException e) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE,
                    "cannot extract " + RESOURCE + " to a temporary file: " + e.getMessage(), e);
        }
    }

    /**
     * Run a step program against the machine's devices.
     *
     * @param bus the port bus the runtime's {@code inb}/{@code outb} reach
     * @param memory the physical memory its {@code read}/{@code write} reach
     * @param clock the clock memory traffic is charged to
     * @param paramArea the parameter area, in the target's byte order
     * @return the status and the recorded ending
     */
    public Result run(PortBus bus, PhysicalMemory memory, VirtualClock clock, byte[] paramArea) {
        Recorder rec = new Recorder(bus, memory, clock);
        Hal hal = rec.hal();
        Memory area = new Memory(Math.max(1, paramArea.length));
        area.write(0, paramArea, 0, paramArea.length);
        int status;
        synchronized (RUN_LOCK) {
            status = api.purgatory_host_run(hal, area, paramArea.length);
        }
        // keep the callbacks reachable until the native code is done with them
        Reference.reachabilityFence(hal);
        Reference.reachabilityFence(area);
        Handoff handoff = rec.handoff != null ? rec.handoff
                : new Handoff.Refused(status, refusal(status));
        if (rec.handoff != null && status != expectedStatus(rec.handoff)) {
            LOG.warn("purgatory_host_run returned {} but the HAL recorded {}", status, rec.handoff.describe());
        }
        rec.error.ifPresent(e -> LOG.warn("a HAL callback failed", e));
        return new Result(status, handoff, Optional.ofNullable(rec.handoffAt), rec.error);
    }

    private static int expectedStatus(Handoff h) {
        if (h instanceof Handoff.Jumped) {
            return JUMPED;
        }
        if (h instanceof Handoff.Halted) {
            return HALTED;
        }
        return h instanceof Handoff.Reset ? RESET : 0;
    }

    static String refusal(int status) {
        return switch (status) {
            case -1 -> "bad magic in the parameter area";
            case -2 -> "unsupported parameter area version";
            case -3 -> "malformed program (a step runs past total_length)";
            default -> "the runtime returned " + status + " without jumping, halting or resetting";
        };
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    /** The HAL callbacks of one run, and what they saw. */
    private static final class Recorder {
        private final PortBus bus;
        private final PhysicalMemory memory;
        private final VirtualClock clock;
        private Handoff handoff;
        private Duration handoffAt;
        private Optional<Throwable> error = Optional.empty();

        Recorder(PortBus bus, PhysicalMemory memory, VirtualClock clock) {
            this.bus = bus;
            this.memory = memory;
            this.clock = clock;
        }

        Hal hal() {
            Hal hal = new Hal();
            hal.inb = port -> {
                try {
                    return (byte) bus.inb(Short.toUnsignedInt(port));
                } catch (RuntimeException e) {
                    fail(e);
                    return (byte) 0xFF;
                }
            };
            hal.outb = (port, value) -> guard(() -> bus.outb(Short.toUnsignedInt(port), Byte.toUnsignedInt(value)));
            hal.read = (address, buffer, length) -> guard(() -> {
                byte[] piece = new byte[(int) Math.min(PIECE, length)];
                for (long done = 0; done < length; done += piece.length) {
                    int n = (int) Math.min(piece.length, length - done);
                    memory.read(address + done, piece, 0, n);
                    buffer.write(done, piece, 0, n);
                }
                clock.memoryTransfer(length);
            });
            hal.write = (address, buffer, length) -> guard(() -> {
                byte[] piece = new byte[(int) Math.min(PIECE, length)];
                for (long done = 0; done < length; done += piece.length) {
                    int n = (int) Math.min(piece.length, length - done);
                    buffer.read(done, piece, 0, n);
                    memory.write(address + done, piece, 0, n);
                }
                clock.memoryTransfer(length);
            });
            hal.jump_x86_64 = registers -> guard(() -> {
                long[] regs = registers.getLongArray(0, Handoff.X86_64_REGISTERS.size());
                Map<String, Long> named = new LinkedHashMap<>();
                List<String> names = Handoff.X86_64_REGISTERS;
                for (int i = 0; i < names.size(); i++) {
                    named.put(names.get(i), regs[i]);
                }
                record(new Handoff.Jumped(regs[regs.length - 1], named));
            });
            hal.halt = reason -> guard(() -> record(new Handoff.Halted(reason)));
            hal.reset = method -> guard(() -> record(new Handoff.Reset(method)));
            hal.write();
            return hal;
        }

        private void record(Handoff h) {
            if (handoff == null) {
                handoff = h;
                handoffAt = clock.elapsed();
            } else {
                fail(new IllegalStateException("a second handoff after " + handoff.describe() + ": " + h.describe()));
            }
        }

        private void guard(Runnable r) {
            try {
                r.run();
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void fail(Throwable e) {
            if (error.isEmpty()) {
                error = Optional.of(e);
            }
        }
    }
}
