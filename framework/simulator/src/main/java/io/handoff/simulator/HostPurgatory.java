package io.handoff.simulator;

import com.sun.jna.Callback;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.arch.ArchitectureAnswer;
import io.handoff.api.arch.ArchitectureCall;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureStop;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * resource {@link #RESOURCE} (the {@code framework-purgatory} jar), extracted once to a temporary file.
 */
public final class HostPurgatory {
    /** The class-path resource holding the host build for x86_64 Linux hosts. */
    public static final String RESOURCE = "native/" + com.sun.jna.Platform.RESOURCE_PREFIX
            + "/libhandoff-purgatory-host.so";
    /** The class-path resource holding the build for big-endian targets (s390x programs), FORMAT.md §6. */
    public static final String RESOURCE_BE = "native/" + com.sun.jna.Platform.RESOURCE_PREFIX
            + "/libhandoff-purgatory-host-be.so";
    /** The system property naming the big-endian library file directly. */
    public static final String PROPERTY_BE = "handoff.purgatory.host-be";
    /** The system property naming the library file directly. */
    public static final String PROPERTY = "handoff.purgatory.host";
    /** Status of {@code purgatory_host_run}: an architecture step left purgatory (jumped, loaded a PSW, ...). */
    public static final int STOPPED = 1;
    /** Status: the program halted. */
    public static final int HALTED = 2;
    /** Status: the program reset the machine. */
    public static final int RESET = 3;
    /** What an architecture operation returns on a machine without an architecture (PURGATORY_HOST_NO_ARCH). */
    public static final long NO_ARCH = -1L;

    private static final Logger LOG = LoggerFactory.getLogger(HostPurgatory.class);
    /** Bytes copied per piece between native buffers and the sparse memory. */
    private static final int PIECE = 1 << 20;
    // the runtime keeps its HAL and unwind point in globals: one run at a time per process
    private static final Object RUN_LOCK = new Object();
    private static final Map<String, Path> EXTRACTED = new HashMap<>();
    /** The largest byte block an architecture operation passes (one page). */
    private static final long MAX_ARCH_DATA = 4096;

    private final Path library;
    private final Native64 api;

    /** The exported entry point. */
    public interface Native64 extends com.sun.jna.Library {
        /** {@code int purgatory_host_run(const purgatory_host_hal *hal, const void *param_area, uint64_t len)}. */
        int purgatory_host_run(Hal hal, Pointer paramArea, long paramLen);

        /** {@code int purgatory_host_probe(const purgatory_host_hal *hal, const void *param_area, uint64_t len)}. */
        int purgatory_host_probe(Hal hal, Pointer paramArea, long paramLen);
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

    /** {@code void (*halt|reset)(uint64_t code)}. */
    public interface CodeFn extends Callback {
        /** Record the halt reason or the reset method. */
        void invoke(long code);
    }

    /** {@code uint64_t (*arch)(uint32_t op, const uint64_t *args, uint32_t nargs, const void *data, uint64_t len, uint32_t *stopped)}. */
    public interface ArchFn extends Callback {
        /** Answer an architecture operation; set {@code *stopped} when the CPU left purgatory. */
        long invoke(int op, Pointer args, int nargs, Pointer data, long length, Pointer stopped);
    }

    /** {@code struct purgatory_host_hal}: seven function pointers, in FORMAT.md §6 order. */
    @Structure.FieldOrder({"inb", "outb", "read", "write", "halt", "reset", "arch"})
    public static final class Hal extends Structure {
        /** Port read. */
        public InbFn inb;
        /** Port write. */
        public OutbFn outb;
        /** Physical memory to buffer. */
        public MemoryFn read;
        /** Buffer to physical memory. */
        public MemoryFn write;
        /** Halt. */
        public CodeFn halt;
        /** Reset. */
        public CodeFn reset;
        /** An architecture operation. */
        public ArchFn arch;
    }

    /**
     * What one run returned.
     *
     * @param status the library's return value (1 stopped by an architecture step, 2 halted, 3 reset, negative: refused)
     * @param handoff the recorded ending
     * @param handoffAt the virtual time the jump, halt or reset was recorded; empty when none was
     * @param callbackError the first exception a callback threw (a bug in the machine or a wild access)
     * @param events what the architecture operations saw, one line each
     * @param stop how the CPU left purgatory through an architecture operation, if it did
     */
    public record Result(int status, Handoff handoff, Optional<Duration> handoffAt, Optional<Throwable> callbackError,
                         List<String> events, Optional<ArchitectureStop> stop) {
        public Result {
            events = List.copyOf(events);
        }

        /** Create a result without events. */
        public Result(int status, Handoff handoff, Optional<Duration> handoffAt, Optional<Throwable> callbackError) {
            this(status, handoff, handoffAt, callbackError, List.of(), Optional.empty());
        }
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
        return load(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Load the host build for programs in this byte order: the plain library for little-endian targets, the
     * byte-swapping one ({@code -Dhandoff.purgatory.host-be}, else {@link #RESOURCE_BE}) for big-endian ones.
     *
     * @throws HandoffException NOT_AVAILABLE saying where it looked when there is none
     */
    public static HostPurgatory load(java.nio.ByteOrder order) {
        boolean big = order == ByteOrder.BIG_ENDIAN;
        String property = System.getProperty(big ? PROPERTY_BE : PROPERTY);
        if (property != null && !property.isBlank()) {
            return load(Path.of(property));
        }
        return load(extractResource(big ? RESOURCE_BE : RESOURCE, big ? PROPERTY_BE : PROPERTY));
    }

    /**
     * Load a platform's host build: {@code -Dhandoff.purgatory.host=PATH} when set (a library a developer built for
     * that platform), else the resource its simulator names, from the plugin's own class loader (its jar), extracted
     * once to a temporary file.
     *
     * @throws HandoffException NOT_AVAILABLE naming the file or resource when there is none
     */
    public static HostPurgatory load(ArchitectureSimulator simulator) {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return load(Path.of(property));
        }
        ClassLoader loader = simulator.getClass().getClassLoader();
        return load(extractResource(loader, simulator.hostLibrary(), "the platform plugin's jar"));
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

    private static Path extractResource(String resource, String property) {
        return extractResource(HostPurgatory.class.getClassLoader(), resource,
                "-D" + property + "=PATH or the framework-purgatory jar");
    }

    private static synchronized Path extractResource(ClassLoader loader, String resource, String where) {
        String key = System.identityHashCode(loader) + ":" + resource;
        Path extracted = EXTRACTED.get(key);
        if (extracted != null && Files.isRegularFile(extracted)) {
            return extracted;
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new HandoffException(FailureKind.NOT_AVAILABLE, "the purgatory host runtime is not available: "
                        + "no " + resource + " (looked in " + where + ")");
            }
            Path file = Files.createTempFile("handoff-purgatory-host", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            EXTRACTED.put(key, file);
            return file;
        } catch (IOException e) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE,
                    "cannot extract " + resource + " to a temporary file: " + e.getMessage(), e);
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
        return run(bus, memory, clock, paramArea, ArchitectureSimulator.Cpu.NONE);
    }

    /**
     * Run a step program against the machine's devices and an architecture's CPU.
     *
     * @param bus the port bus the runtime's {@code inb}/{@code outb} reach
     * @param memory the physical memory its {@code read}/{@code write} reach
     * @param clock the clock memory traffic is charged to
     * @param paramArea the parameter area, in the target's byte order
     * @param cpu answers the architecture operations of the library's HAL
     * @return the status and the recorded ending
     */
    public Result run(PortBus bus, PhysicalMemory memory, VirtualClock clock, byte[] paramArea,
                      ArchitectureSimulator.Cpu cpu) {
        Recorder rec = new Recorder(bus, memory, clock, cpu);
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
        return new Result(status, handoff, Optional.ofNullable(rec.handoffAt), rec.error, rec.events,
                Optional.ofNullable(rec.archStop));
    }

    /**
     * Run the program in probe mode (s390's r2 = 0 entry, FORMAT.md §8): its verify-digests step alone.
     *
     * @param memory the physical memory its {@code read} reaches (it writes nothing)
     * @param clock the clock memory traffic is charged to
     * @param paramArea the parameter area, in the target's byte order
     * @return 0 digests ok, 1 mismatch, 2 no verify-digests step, negative: refused (as {@link #run})
     */
    public int probe(PhysicalMemory memory, VirtualClock clock, byte[] paramArea) {
        Recorder rec = new Recorder(new PortBus(clock), memory, clock, ArchitectureSimulator.Cpu.NONE);
        Hal hal = rec.hal();
        Memory area = new Memory(Math.max(1, paramArea.length));
        area.write(0, paramArea, 0, paramArea.length);
        int result;
        synchronized (RUN_LOCK) {
            result = api.purgatory_host_probe(hal, area, paramArea.length);
        }
        Reference.reachabilityFence(hal);
        Reference.reachabilityFence(area);
        rec.error.ifPresent(e -> LOG.warn("a HAL callback failed during the probe", e));
        return result;
    }

    private static int expectedStatus(Handoff h) {
        if (h instanceof Handoff.Jumped || h instanceof Handoff.Stopped) {
            return STOPPED;
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
        private final List<String> events = new ArrayList<>();
        private final ArchitectureSimulator.Cpu cpu;
        private ArchitectureStop archStop;

        Recorder(PortBus bus, PhysicalMemory memory, VirtualClock clock, ArchitectureSimulator.Cpu cpu) {
            this.bus = bus;
            this.memory = memory;
            this.clock = clock;
            this.cpu = cpu;
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
            hal.halt = reason -> guard(() -> record(new Handoff.Halted(reason)));
            hal.reset = method -> guard(() -> record(new Handoff.Reset(method)));
            hal.arch = (op, args, nargs, data, length, stopped) -> {
                try {
                    long[] values = nargs > 0 ? args.getLongArray(0, nargs) : new long[0];
                    byte[] bytes = length > 0 && length <= MAX_ARCH_DATA ? data.getByteArray(0, (int) length)
                            : new byte[0];
                    ArchitectureAnswer answer = cpu.call(new ArchitectureCall(op,
                            java.util.Arrays.stream(values).boxed().toList(), bytes));
                    events.addAll(answer.events());
                    answer.stop().ifPresent(stop -> {
                        record(stop.jumped() ? new Handoff.Jumped(stop.entry(), stop.registers(), stop.description())
                                : new Handoff.Stopped(stop.stepKind(), stop.code(), stop.data(), stop.description()));
                        archStop = stop;
                        stopped.setInt(0, 1);
                    });
                    return answer.result();
                } catch (RuntimeException e) {
                    fail(e);
                    return NO_ARCH;
                }
            };
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
