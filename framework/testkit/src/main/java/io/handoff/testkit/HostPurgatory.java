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
 * resource {@value #RESOURCE} (the {@code framework-purgatory} jar), extracted once to a temporary file.
 */
public final class HostPurgatory {
    /** The class-path resource holding the host build for x86_64 Linux hosts. */
    public static final String RESOURCE = "native/linux-x86-64/libhandoff-purgatory-host.so";
    /** The class-path resource holding the build for big-endian targets (s390x programs), FORMAT.md §6. */
    public static final String RESOURCE_BE = "native/linux-x86-64/libhandoff-purgatory-host-be.so";
    /** The system property naming the big-endian library file directly. */
    public static final String PROPERTY_BE = "handoff.purgatory.host-be";
    /** The system property naming the library file directly. */
    public static final String PROPERTY = "handoff.purgatory.host";
    /** Status of {@code purgatory_host_run}: the program jumped. */
    public static final int JUMPED = 1;
    /** Status: the program halted. */
    public static final int HALTED = 2;
    /** Status: the program reset the machine. */
    public static final int RESET = 3;
    /** Status: the program loaded an s390 PSW (FORMAT.md §8). */
    public static final int PSW_LOADED = 4;
    /** Status: diag 308 re-IPLed the dump tool. */
    public static final int DUMP_REIPL = 5;
    /** Status: the CPU stopped in a disabled wait. */
    public static final int DISABLED_WAIT = 6;
    /** diag 308 subcode: store the IPL parameter block. */
    public static final long DIAG308_SET = 5;
    /** diag 308 subcode: IPL the dump tool the stored block names. */
    public static final long DIAG308_LOAD_NORMAL_DUMP = 4;
    /** diag 308 return code: done. */
    public static final long DIAG308_RC_OK = 0x0001;
    /** diag 308 return code: no (valid) configuration. */
    public static final long DIAG308_RC_NOCONFIG = 0x0102;

    private static final Logger LOG = LoggerFactory.getLogger(HostPurgatory.class);
    /** Bytes copied per piece between native buffers and the sparse memory. */
    private static final int PIECE = 1 << 20;
    // the runtime keeps its HAL and unwind point in globals: one run at a time per process
    private static final Object RUN_LOCK = new Object();
    private static final Map<String, Path> EXTRACTED = new HashMap<>();

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

    /** {@code void (*load_psw)(uint64_t mask, uint64_t addr)}. */
    public interface PswFn extends Callback {
        /** Record the PSW load. */
        void invoke(long mask, long address);
    }

    /** {@code uint64_t (*diag308)(uint64_t subcode, const void *block, uint64_t len)}. */
    public interface Diag308Fn extends Callback {
        /** Answer a diag 308. */
        long invoke(long subcode, Pointer block, long length);
    }

    /** {@code struct purgatory_host_hal}: ten function pointers, in FORMAT.md §6 and §8 order. */
    @Structure.FieldOrder({"inb", "outb", "read", "write", "jump_x86_64", "halt", "reset", "load_psw", "diag308",
            "disabled_wait"})
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
        /** s390 PSW load. */
        public PswFn load_psw;
        /** s390 diag 308. */
        public Diag308Fn diag308;
        /** s390 disabled wait. */
        public CodeFn disabled_wait;
    }

    /**
     * What one run returned.
     *
     * @param status the library's return value (1 jumped, 2 halted, 3 reset, negative: refused)
     * @param handoff the recorded ending
     * @param handoffAt the virtual time the jump, halt or reset was recorded; empty when none was
     * @param callbackError the first exception a callback threw (a bug in the machine or a wild access)
     * @param events what the s390 callbacks saw (diag 308 calls with their decoded block), one line each
     */
    public record Result(int status, Handoff handoff, Optional<Duration> handoffAt, Optional<Throwable> callbackError,
                         List<String> events) {
        public Result {
            events = List.copyOf(events);
        }

        /** Create a result without events. */
        public Result(int status, Handoff handoff, Optional<Duration> handoffAt, Optional<Throwable> callbackError) {
            this(status, handoff, handoffAt, callbackError, List.of());
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
     * byte-swapping one ({@code -Dhandoff.purgatory.host-be}, else {@value #RESOURCE_BE}) for big-endian ones.
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

    private static synchronized Path extractResource(String resource, String property) {
        Path extracted = EXTRACTED.get(resource);
        if (extracted != null && Files.isRegularFile(extracted)) {
            return extracted;
        }
        try (InputStream in = HostPurgatory.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new HandoffException(FailureKind.NOT_AVAILABLE, "the purgatory host runtime is not available: "
                        + "no -D" + property + "=PATH and no " + resource + " on the class path (framework-purgatory jar)");
            }
            Path file = Files.createTempFile("handoff-purgatory-host", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            EXTRACTED.put(resource, file);
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
        return new Result(status, handoff, Optional.ofNullable(rec.handoffAt), rec.error, rec.events);
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
        Recorder rec = new Recorder(new PortBus(clock), memory, clock);
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
        if (h instanceof Handoff.Jumped j) {
            return j.registers().containsKey(Handoff.PSW_MASK) ? PSW_LOADED : JUMPED;
        }
        if (h instanceof Handoff.DumpReipl) {
            return DUMP_REIPL;
        }
        if (h instanceof Handoff.DisabledWait) {
            return DISABLED_WAIT;
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
        private byte[] iplBlock;

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
            hal.load_psw = (mask, address) -> guard(() -> {
                Map<String, Long> psw = new LinkedHashMap<>();
                psw.put(Handoff.PSW_MASK, mask);
                psw.put(Handoff.PSW_ADDR, address);
                events.add(String.format("lpswe: the CPU loads the PSW %#018x %#018x", mask, address));
                record(new Handoff.Jumped(address, psw));
            });
            hal.diag308 = (subcode, block, length) -> {
                try {
                    return diag308(subcode, block, length);
                } catch (RuntimeException e) {
                    fail(e);
                    return DIAG308_RC_NOCONFIG;
                }
            };
            hal.disabled_wait = code -> guard(() -> {
                events.add(String.format("the CPU loads the disabled-wait PSW 0x0002000180000000 %#018x and stops",
                        code));
                record(new Handoff.DisabledWait(code));
            });
            hal.write();
            return hal;
        }

        /** A machine whose firmware IPLs the dump tool of any block it can read; an unreadable block is refused. */
        private long diag308(long subcode, Pointer block, long length) {
            if (subcode == DIAG308_SET) {
                byte[] bytes = length > 0 && length <= 4096 ? block.getByteArray(0, (int) length) : new byte[0];
                Optional<String> decoded = IplParameterBlockView.describe(bytes);
                iplBlock = decoded.isPresent() ? bytes : null;
                events.add(String.format("diag 308 subcode 5 (SET), %d-byte IPL parameter block: %s -> rc %#06x",
                        length, decoded.orElse("unreadable"), decoded.isPresent() ? DIAG308_RC_OK : DIAG308_RC_NOCONFIG));
                return decoded.isPresent() ? DIAG308_RC_OK : DIAG308_RC_NOCONFIG;
            }
            if (subcode == DIAG308_LOAD_NORMAL_DUMP && iplBlock != null) {
                events.add("diag 308 subcode 4 (LOAD_NORMAL_DUMP) -> rc 0x0001: the machine re-IPLs the dump tool");
                record(new Handoff.DumpReipl(iplBlock.clone(), IplParameterBlockView.describe(iplBlock).orElseThrow()));
                return DIAG308_RC_OK;
            }
            events.add(String.format("diag 308 subcode %d -> rc %#06x (no parameter block set)", subcode,
                    DIAG308_RC_NOCONFIG));
            return DIAG308_RC_NOCONFIG;
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
