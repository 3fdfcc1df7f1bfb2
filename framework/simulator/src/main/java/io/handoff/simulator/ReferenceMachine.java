package io.handoff.simulator;

import io.handoff.api.Capabilities;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.arch.KdumpProbe;
import io.handoff.api.arch.SimulatedEfiRuntime;
import io.handoff.api.arch.SimulatedMachine;
import io.handoff.api.arch.StepKindDeclaration;
import io.handoff.api.machine.EfiFirmware;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.PrstatusLayout;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Segment;
import io.handoff.core.plan.HandoffImage;
import io.handoff.simulator.bmc.BmcFault;
import io.handoff.simulator.bmc.BmcReport;
import io.handoff.simulator.bmc.KcsBmc;
import io.handoff.simulator.efi.EfiFault;
import io.handoff.simulator.efi.EfiRuntimeModel;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated PC that runs a plan's purgatory: it loads the segments, "crashes", and lets the real
 * purgatory runtime (host build) execute the step program against simulated devices on virtual time.
 *
 * <p>Devices: sparse {@link PhysicalMemory}, a {@link Uart16550} at 0x3F8, a {@link CmosRtc} at 0x70/0x71 and
 * a BMC behind a KCS interface ({@link KcsBmc}, 0xCA2/0xCA3 by default) on a {@link PortBus}; every other port
 * reads 0xFF. With {@link Options#efiFirmware()}, UEFI runtime services ({@link EfiRuntimeModel}): their table is
 * written at the profile's {@code runtime} address after the segments are loaded, and a platform's simulator reaches
 * them through {@link SimulatedMachine#efiRuntime()}. Each {@link #run} uses a fresh machine. At the crash, before purgatory runs, each of the
 * {@link Options#crashedCpus()} gets its NT_PRSTATUS note written into its crash_notes buffer, as the dying
 * kernel would. The parameter area is read from simulated memory at the purgatory segment's base plus the
 * header's {@code param_offset}, after any injected corruption, exactly where the runtime would find it.
 */
public final class ReferenceMachine {
    /** The role of the purgatory segment in a plan. */
    public static final String PURGATORY_ROLE = "purgatory";

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceMachine.class);
    /**
     * How the runtime names a step's kind on the console (FORMAT.md §4): its id ({@code verify-digests},
     * {@code jump-x86_64}), or {@code kind N} for a kind the runtime does not implement.
     */
    private static final String STEP_KIND = "(?:[a-z0-9][a-z0-9_-]*|kind \\d+)";
    private static final Pattern FAILED = Pattern.compile("step (\\d+) \\((" + STEP_KIND + ")\\) failed");
    /** A chained step the runtime skipped because the step before it did not succeed. */
    private static final Pattern SKIPPED = Pattern.compile("purgatory: step (\\d+) \\((" + STEP_KIND + ")\\) skipped");
    /** The generic kinds a run can end with: halt and reset (FORMAT.md §3). */
    private static final int HALT = 17;
    private static final int RESET = 18;

    private final HostPurgatory runtime;
    private final Options options;
    private final Optional<ArchitectureSimulator> simulator;
    private final ArchitectureSteps steps;

    /**
     * The machine's configuration and the faults to inject.
     *
     * @param corruption a byte to flip after loading, if any
     * @param rtcFault the RTC's fault
     * @param uartStuck whether the UART's transmitter never empties
     * @param rtcStart the wall-clock time the RTC shows at the crash
     * @param rtcRegisterB the RTC's register B (BCD/binary, 12/24-hour)
     * @param bmc the BMC: its KCS ports, fault, speed and clock
     * @param crashedCpus the CPUs whose NT_PRSTATUS notes are written at the crash (none: the buffers stay empty)
     * @param hangAfterHandoff how long the machine runs on after the handoff as if the next kernel hung, so that
     *     the BMC watchdog can act (zero: the run ends at the handoff)
     * @param corruptBeforeProbe s390 kdump only: flip the byte before the kernel's checksum probe (which then refuses
     *     to start the capture kernel) instead of between the probe and purgatory's real entry (the default, where
     *     purgatory's own check and fallback run)
     * @param efiFirmware the machine's UEFI firmware (its runtime services table and runtime map), when it has one:
     *     the machine then has UEFI runtime services ({@link EfiRuntimeModel})
     * @param efiFaults the faults injected into those services
     */
    public record Options(Optional<Corruption> corruption, CmosRtc.Fault rtcFault, boolean uartStuck,
                          LocalDateTime rtcStart, int rtcRegisterB, KcsBmc.Config bmc, List<CrashedCpu> crashedCpus,
                          Duration hangAfterHandoff, boolean corruptBeforeProbe, Optional<EfiFirmware> efiFirmware,
                          List<EfiFault> efiFaults) {
        public Options {
            Objects.requireNonNull(efiFirmware, "efiFirmware");
            efiFaults = List.copyOf(efiFaults);
            Objects.requireNonNull(corruption, "corruption");
            Objects.requireNonNull(rtcFault, "rtcFault");
            Objects.requireNonNull(rtcStart, "rtcStart");
            Objects.requireNonNull(bmc, "bmc");
            crashedCpus = List.copyOf(crashedCpus);
            if (hangAfterHandoff.isNegative()) {
                throw new IllegalArgumentException("hangAfterHandoff must not be negative: " + hangAfterHandoff);
            }
        }

        /** Return a healthy machine: no corruption, RTC in BCD 24-hour mode at 2024-06-01 12:00:00, a healthy BMC. */
        public static Options defaults() {
            LocalDateTime start = LocalDateTime.of(2024, 6, 1, 12, 0, 0);
            return new Options(Optional.empty(), CmosRtc.Fault.NONE, false, start, CmosRtc.HOUR_24,
                    KcsBmc.Config.defaults().clock(start), List.of(), Duration.ZERO, false, Optional.empty(), List.of());
        }

        /** Return these options with a byte to corrupt. */
        public Options corrupt(Corruption c) {
            return new Options(Optional.of(c), rtcFault, uartStuck, rtcStart, rtcRegisterB, bmc, crashedCpus, hangAfterHandoff, corruptBeforeProbe, efiFirmware, efiFaults);
        }

        /** Return these options with an RTC fault. */
        public Options rtc(CmosRtc.Fault fault) {
            return new Options(corruption, fault, uartStuck, rtcStart, rtcRegisterB, bmc, crashedCpus, hangAfterHandoff, corruptBeforeProbe, efiFirmware, efiFaults);
        }

        /** Return these options with a stuck UART. */
        public Options uartStuck(boolean stuck) {
            return new Options(corruption, rtcFault, stuck, rtcStart, rtcRegisterB, bmc, crashedCpus, hangAfterHandoff, corruptBeforeProbe, efiFirmware, efiFaults);
        }

        /** Return these options with another RTC start time and register B (the BMC's clock follows). */
        public Options rtcClock(LocalDateTime start, int registerB) {
            return new Options(corruption, rtcFault, uartStuck, start, registerB, bmc.clock(start), crashedCpus, hangAfterHandoff, corruptBeforeProbe, efiFirmware, efiFaults);
        }

        /** Return these options with another BMC. */
        public Options bmc(KcsBmc.Config value) {
            return new Options(corruption, rtcFault, uartStuck, rtcStart, rtcRegisterB, value, crashedCpus, hangAfterHandoff, corruptBeforeProbe, efiFirmware, efiFaults);
        }

        /** Return these options with a BMC fault. */
        public Options bmc(BmcFault fault) {
            return bmc(bmc.fault(fault));
        }

        /** Return these options with the machine running on after the handoff, as if the next kernel hung. */
        public Options hangAfterHandoff(Duration value) {
            return new Options(corruption, rtcFault, uartStuck, rtcStart, rtcRegisterB, bmc, crashedCpus, value, corruptBeforeProbe, efiFirmware, efiFaults);
        }

        /** Return these options with the CPUs whose notes the crash writes. */
        public Options crashedCpus(List<CrashedCpu> cpus) {
            return new Options(corruption, rtcFault, uartStuck, rtcStart, rtcRegisterB, bmc, cpus, hangAfterHandoff, corruptBeforeProbe, efiFirmware, efiFaults);
        }

        /**
         * Return these options with the CPUs a simulated crash of this request leaves notes from, unless they name
         * some already: for a crash (kdump) on a platform with port I/O (where last words read them) that declares
         * its NT_PRSTATUS layout, each of the machine's CPUs with its instruction pointer in the kernel text
         * ({@link CrashedCpu#inKernelText}); otherwise these options as they are.
         *
         * @param machine the machine planned for, whose profile gives the crash_notes addresses
         * @param request what was planned (a reboot writes no notes)
         * @param platform the platform: its capabilities, NT_PRSTATUS layout and byte order
         */
        public Options crashNotesFor(Machine machine, PlanRequest request, io.handoff.api.spi.Platform platform) {
            Optional<PrstatusLayout> layout = platform.prstatusLayout();
            if (request.crash() && crashedCpus.isEmpty() && layout.isPresent()
                    && platform.capabilities().contains(Capabilities.PORT_IO)) {
                return crashedCpus(CrashedCpu.inKernelText(machine, layout.get(), platform.byteOrder()));
            }
            return this;
        }

        /** Return these options on a machine with this UEFI firmware (its runtime services answer calls). */
        public Options efi(EfiFirmware firmware) {
            return new Options(corruption, rtcFault, uartStuck, rtcStart, rtcRegisterB, bmc, crashedCpus,
                    hangAfterHandoff, corruptBeforeProbe, Optional.of(firmware), efiFaults);
        }

        /** Return these options with a fault injected into a UEFI runtime service (one per service, the last wins). */
        public Options efi(EfiFault fault) {
            List<EfiFault> all = new ArrayList<>(efiFaults);
            all.add(fault);
            return new Options(corruption, rtcFault, uartStuck, rtcStart, rtcRegisterB, bmc, crashedCpus,
                    hangAfterHandoff, corruptBeforeProbe, efiFirmware, all);
        }

        /** Return these options with the machine's UEFI firmware, when its profile has one, else as they are. */
        public Options efiFor(Machine machine) {
            return machine.efiFirmware().filter(f -> f.runtime() != 0).map(this::efi).orElse(this);
        }

        /** Return these options with the corruption seen by s390's checksum probe already. */
        public Options corruptBeforeProbe(boolean before) {
            return new Options(corruption, rtcFault, uartStuck, rtcStart, rtcRegisterB, bmc, crashedCpus,
                    hangAfterHandoff, before, efiFirmware, efiFaults);
        }
    }

    /**
     * Create a machine.
     *
     * @param runtime the purgatory host build to run
     * @param options devices and faults
     */
    public ReferenceMachine(HostPurgatory runtime, Options options) {
        this(runtime, options, Optional.empty(), ArchitectureSteps.NONE);
    }

    /**
     * Create a machine of a platform's architecture.
     *
     * @param runtime the platform's purgatory host build ({@link HostPurgatory#load(ArchitectureSimulator)})
     * @param options devices and faults
     * @param simulator the platform's CPU behaviour, if it has one
     * @param steps the platform's architecture step kinds, by which the trace names and attributes steps
     */
    public ReferenceMachine(HostPurgatory runtime, Options options, Optional<ArchitectureSimulator> simulator,
                            ArchitectureSteps steps) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.options = Objects.requireNonNull(options, "options");
        this.simulator = Objects.requireNonNull(simulator, "simulator");
        this.steps = Objects.requireNonNull(steps, "steps");
    }

    /** Create the machine of a platform: its host build, its simulator and its step kinds. */
    public static ReferenceMachine of(io.handoff.api.spi.Platform platform, Options options) {
        Optional<ArchitectureSimulator> simulator = platform.simulator();
        HostPurgatory runtime = simulator.map(HostPurgatory::load)
                .orElseGet(() -> HostPurgatory.load(platform.byteOrder()));
        return new ReferenceMachine(runtime, options, simulator, platform.architectureSteps());
    }

    /**
     * Load the image, crash, run its purgatory and record what happened.
     *
     * @throws HandoffException NOT_AVAILABLE when the image has no purgatory segment; USAGE when the
     *     corruption names no segment or lies outside it
     */
    public Trace run(HandoffImage image) {
        Segment purgatory = image.segments().stream().filter(s -> s.role().equals(PURGATORY_ROLE)).findFirst()
                .orElseThrow(() -> new HandoffException(FailureKind.NOT_AVAILABLE, "the plan of " + image.platformId()
                        + " has no purgatory segment (no purgatory image was linked); nothing to run"));
        VirtualClock clock = new VirtualClock();
        PhysicalMemory memory = new PhysicalMemory();
        Uart16550 uart = new Uart16550(Uart16550.COM1, clock);
        CmosRtc rtc = new CmosRtc(clock, options.rtcStart(), options.rtcRegisterB(), options.rtcFault());
        KcsBmc bmc = new KcsBmc(clock::nanos, options.bmc());
        PortBus bus = new PortBus(clock).map(Uart16550.COM1, 8, uart).map(CmosRtc.INDEX_PORT, 2, rtc);
        mapBmc(bus, bmc);
        List<String> events = new ArrayList<>();
        if (options.uartStuck()) {
            uart.stuck();
            events.add("fault: the UART at 0x3f8 never empties its transmitter (LSR.THRE stays 0)");
        }
        if (options.rtcFault() != CmosRtc.Fault.NONE) {
            events.add("fault: the CMOS RTC is " + switch (options.rtcFault()) {
                case FROZEN -> "frozen (its time never advances)";
                case UIP_STUCK -> "stuck in an update (register A's UIP bit never clears)";
                default -> "jumping (its time leaps hours back and forth every 100 ms)";
            });
        }
        if (options.bmc().fault() != BmcFault.NONE) {
            events.add(String.format("fault: the BMC at %#x/%#x is %s", options.bmc().dataPort(),
                    options.bmc().statusPort(), options.bmc().fault().description()));
        }

        memory.load(image.segments());
        events.add(String.format("loaded %d segments; the purgatory image is at %#x", image.segments().size(),
                purgatory.mem()));
        Optional<EfiRuntimeModel> efi = options.efiFirmware().map(f -> new EfiRuntimeModel(f, options.efiFaults()));
        efi.ifPresent(model -> {
            byte[] table = model.table();
            memory.write(model.runtimeServicesTable(), table, 0, table.length);
            events.addAll(model.installed());
        });
        if (efi.isEmpty() && !options.efiFaults().isEmpty()) {
            events.add("EFI faults ignored: the machine has no UEFI firmware (its profile has no runtime services)");
        }
        // a kernel that probes purgatory before entering it (s390 kdump): a corruption normally comes after the probe
        Optional<KdumpProbe> kdumpProbe = image.request().crash()
                ? simulator.flatMap(ArchitectureSimulator::kdumpProbe) : Optional.empty();
        boolean probes = kdumpProbe.isPresent();
        SimulatedMachine machine = simulated(memory, image, efi);
        if (!probes || options.corruptBeforeProbe()) {
            options.corruption().ifPresent(c -> events.add(corrupt(memory, image.segments(), c)));
        }

        PurgatoryProgram.ImageHeader header;
        try {
            header = PurgatoryProgram.ImageHeader.read(memory.bytes(purgatory.mem(), PurgatoryProgram.IMAGE_HEADER_SIZE));
        } catch (IllegalArgumentException e) {
            events.add("the purgatory image header is unreadable: " + e.getMessage());
            return new Trace(Optional.empty(), List.of(), "", List.of(),
                    new Handoff.Refused(-1, "purgatory image header: " + e.getMessage()), clock.elapsed(), events,
                    Optional.of(bmc.report()));
        }
        byte[] area = memory.bytes(purgatory.mem() + header.paramOffset(), Math.toIntExact(header.paramSize()));
        Optional<PurgatoryProgram> program;
        try {
            program = Optional.of(PurgatoryProgram.read(area, names()));
        } catch (IllegalArgumentException e) {
            events.add("the parameter area cannot be read back: " + e.getMessage());
            program = Optional.empty();
        }
        writeCrashNotes(memory, events);
        if (probes) {
            KdumpProbe how = kdumpProbe.orElseThrow();
            events.add(String.format(how.call(), purgatory.mem() + header.entryOffset()));
            int probe = runtime.probe(memory, clock, area);
            events.add("probe: purgatory ran its verify-digests step alone and returned " + how.result() + probe
                    + switch (probe) {
                        case 0 -> " (digests ok)";
                        case 1 -> " (a digest or zero tail does not match)";
                        case 2 -> " (the program has no verify-digests step)";
                        default -> " (the parameter area was refused: " + HostPurgatory.refusal(probe) + ")";
                    });
            if (probe != 0) {
                events.add(how.refused());
                List<StepRun> none = program.map(p -> concat(p.steps(), p.fallback()).stream().map(step ->
                        new StepRun(step, StepRun.Outcome.NOT_REACHED, Optional.empty(), Optional.empty(), "")).toList())
                        .orElse(List.of());
                return new Trace(program, none, "", List.of(), new Handoff.ProbeFailed(probe, Optional.empty()),
                        clock.elapsed(), events);
            }
            if (!options.corruptBeforeProbe()) {
                options.corruption().ifPresent(c -> events.add(corrupt(memory, image.segments(), c)
                        + " (after the probe, before purgatory's real entry)"));
            }
            events.add(String.format(how.enter(), purgatory.mem() + header.entryOffset()));
        } else {
            events.add(String.format("crash: the CPU enters purgatory at %#x (parameter area at %#x, %d bytes)",
                    purgatory.mem() + header.entryOffset(), purgatory.mem() + header.paramOffset(), area.length));
        }

        ArchitectureSimulator.Cpu cpu = simulator.map(sim -> sim.start(machine)).orElse(ArchitectureSimulator.Cpu.NONE);
        HostPurgatory.Result result = runtime.run(bus, memory, clock, area, cpu);
        events.addAll(result.events());
        if (!(result.handoff() instanceof Handoff.Refused)) {
            events.addAll(cpu.afterHandoff(machine, result.stop()));
        }
        result.callbackError().ifPresent(e -> events.add("machine error in a HAL callback: " + e));
        if (!uart.partialLine().isEmpty()) {
            LOG.debug("console ends without a newline: {}", uart.partialLine());
        }
        List<StepRun> runs = program.map(p -> steps(p, uart.lines(), result, steps)).orElse(List.of());
        Handoff handoff = result.handoff();
        Optional<SimulatedEfiRuntime.Result> inFirmware = efi.flatMap(EfiRuntimeModel::ending);
        if (inFirmware.isPresent() && !(handoff instanceof Handoff.Refused)) {
            handoff = firmwareEnding(inFirmware.get(), program, clock, events);
        }
        Duration total = clock.elapsed();
        if (!options.hangAfterHandoff().isZero()) {
            // the next kernel hangs: nothing touches a device, only the BMC's own clock runs
            clock.advance(options.hangAfterHandoff().toNanos());
            events.add(String.format(Locale.ROOT, "after the handoff the next kernel hangs for %s (virtual): nothing "
                    + "touches a device", TraceReport.time(options.hangAfterHandoff())));
        }
        BmcReport report = bmc.report();
        events.addAll(report.events());
        return new Trace(program, runs, uart.text(), uart.lines(), handoff, total, events,
                Optional.of(report), efi.map(EfiRuntimeModel::report));
    }

    /**
     * Return how a run that ended in the firmware ended: a reset, or a hang that lasts as long as the program's
     * budget allowed (the clock runs on to it, so that a watchdog can act).
     */
    private static Handoff firmwareEnding(SimulatedEfiRuntime.Result ending, Optional<PurgatoryProgram> program,
                                          VirtualClock clock, List<String> events) {
        if (ending.ending() == SimulatedEfiRuntime.Ending.RESET) {
            return new Handoff.FirmwareReset(ending.description());
        }
        Duration budget = program.map(p -> Duration.ofNanos(p.budgetUs() * 1_000)).orElse(Duration.ZERO);
        Duration at = clock.elapsed();
        if (budget.compareTo(at) > 0) {
            clock.advance(budget.minus(at).toNanos());
        }
        events.add(String.format(Locale.ROOT, "%s; the program's budget of %s (virtual) allowed the hang until %s, "
                + "and nothing more happens", ending.description(), TraceReport.time(budget),
                TraceReport.time(clock.elapsed())));
        return new Handoff.Hung(ending.description(), budget);
    }

    /** Map the BMC's two registers, each port on its own (they need not be adjacent). */
    private static void mapBmc(PortBus bus, KcsBmc bmc) {
        PortDevice device = new PortDevice() {
            @Override
            public int inb(int port) {
                return bmc.inb(port);
            }

            @Override
            public void outb(int port, int value) {
                bmc.outb(port, value);
            }
        };
        bus.map(bmc.config().dataPort(), 1, device).map(bmc.config().statusPort(), 1, device);
    }

    /** Write each crashed CPU's NT_PRSTATUS note, as the dying kernel's crash_save_cpu does. */
    private void writeCrashNotes(PhysicalMemory memory, List<String> events) {
        if (options.crashedCpus().isEmpty()) {
            return;
        }
        StringBuilder saved = new StringBuilder();
        for (CrashedCpu cpu : options.crashedCpus()) {
            byte[] note = cpu.note();
            memory.write(cpu.notesAddress(), note, 0, note.length);
            saved.append(saved.length() == 0 ? "" : ", ").append(String.format("cpu %d ip %#x at %#x", cpu.cpu(),
                    cpu.ip(), cpu.notesAddress()));
        }
        events.add("crash: each CPU saved its registers in its crash_notes buffer (NT_PRSTATUS notes written by "
                + "the simulator, instruction pointers in the kernel text): " + saved);
    }

    /** The names of the architecture kinds, for the trace. */
    private Map<Integer, String> names() {
        Map<Integer, String> names = new HashMap<>();
        steps.kinds().forEach(k -> names.put(k.code(), k.id()));
        return names;
    }

    /** What the platform's simulator sees of this machine. */
    private static SimulatedMachine simulated(PhysicalMemory memory, HandoffImage image,
                                              Optional<EfiRuntimeModel> efi) {
        return new SimulatedMachine() {
            @Override
            public Optional<SimulatedEfiRuntime> efiRuntime() {
                return efi.map(SimulatedEfiRuntime.class::cast);
            }

            @Override
            public byte[] read(long address, int length) {
                return memory.bytes(address, length);
            }

            @Override
            public boolean crash() {
                return image.request().crash();
            }

            @Override
            public Optional<MemoryRange> crashRegion() {
                return image.crashRegion();
            }
        };
    }

    private static String corrupt(PhysicalMemory memory, List<Segment> segments, Corruption c) {
        Segment s = segments.stream().filter(x -> x.role().equals(c.role())).findFirst()
                .orElseThrow(() -> new HandoffException(FailureKind.USAGE, "--corrupt " + c + ": no segment '" + c.role()
                        + "' (segments: " + String.join(", ", segments.stream().map(Segment::role).toList()) + ")"));
        if (c.offset() >= s.memsz()) {
            throw new HandoffException(FailureKind.USAGE, String.format("--corrupt %s: offset past the segment's %#x bytes",
                    c, s.memsz()));
        }
        long address = s.mem() + c.offset();
        int before = memory.readByte(address);
        int after = before ^ 0xFF;
        memory.writeByte(address, after);
        return String.format("corrupted the byte at %#x (%s %s + %#x): %#04x -> %#04x", address, c.role(),
                c.offset() < s.bufsz() ? "data" : "zero tail", c.offset(), before, after);
    }

    /** Attribute outcomes and report times to the steps from the console lines and the handoff. */
    static List<StepRun> steps(PurgatoryProgram program, List<ConsoleLine> lines, HostPurgatory.Result result,
                               ArchitectureSteps arch) {
        Handoff handoff = result.handoff();
        int fallbackFrom = -1;
        List<Integer> bestEffortFailures = new ArrayList<>();
        Set<Integer> skipped = new java.util.HashSet<>();
        for (ConsoleLine l : lines) {
            Matcher s = SKIPPED.matcher(l.text());
            if (s.find()) {
                skipped.add(Integer.parseInt(s.group(1)));
            }
        }
        for (ConsoleLine l : lines) {
            Matcher m = FAILED.matcher(l.text());
            if (m.find()) {
                int index = Integer.parseInt(m.group(1));
                if (l.text().contains("running fallback") && fallbackFrom < 0) {
                    fallbackFrom = index;
                } else {
                    bestEffortFailures.add(index);
                }
            }
        }
        List<StepRun> out = new ArrayList<>();
        List<PurgatoryProgram.Step> main = program.steps();
        if (handoff instanceof Handoff.Refused refused) {
            // a refused area ran nothing; a run that ended without a handoff cannot be told apart
            StepRun.Outcome outcome = refused.code() < 0 ? StepRun.Outcome.NOT_REACHED : StepRun.Outcome.UNKNOWN;
            concat(main, program.fallback()).forEach(step ->
                    out.add(new StepRun(step, outcome, Optional.empty(), Optional.empty(), "")));
            return out;
        }
        Set<Integer> endKind = endKinds(result);
        // no console (s390): a handoff only the fallback can make says the fallback ran, not which step failed
        boolean unknownFailure = fallbackFrom < 0 && main.stream().noneMatch(s -> endKind.contains(s.kind()))
                && program.fallback().stream().anyMatch(s -> endKind.contains(s.kind()));
        if (unknownFailure) {
            for (PurgatoryProgram.Step step : main) {
                out.add(new StepRun(step, StepRun.Outcome.UNKNOWN, Optional.empty(), Optional.empty(), ""));
            }
            fallbackFrom = main.size();
        }
        int mainEnd = fallbackFrom >= 0 ? Math.min(fallbackFrom, main.size() - 1)
                : lastBefore(main, endKind, lines, arch);
        int fallbackEnd = fallbackFrom >= 0 ? lastBefore(program.fallback(), endKind, lines, arch) : -1;
        int cursor = 0;
        Duration previous = Duration.ZERO;
        for (PurgatoryProgram.Step step : unknownFailure ? program.fallback() : concat(main, program.fallback())) {
            int end = step.fallback() ? fallbackEnd : mainEnd;
            if (step.index() > end || end < 0) {
                out.add(new StepRun(step, StepRun.Outcome.NOT_REACHED, Optional.empty(), Optional.empty(), ""));
                continue;
            }
            boolean handedOff = step.index() == end && endKind.contains(step.kind())
                    && step.fallback() == (fallbackFrom >= 0);
            boolean failed = !step.fallback() && (step.index() == fallbackFrom || bestEffortFailures.contains(step.index()));
            boolean wasSkipped = !step.fallback() && skipped.contains(step.index());
            StepRun.Outcome outcome = handedOff ? StepRun.Outcome.HANDED_OFF
                    : failed ? StepRun.Outcome.FAILED : wasSkipped ? StepRun.Outcome.SKIPPED : StepRun.Outcome.COMPLETED;
            Optional<Duration> at = Optional.empty();
            String detail = "";
            int found = find(lines, cursor, step, failed || wasSkipped, arch);
            if (found >= 0) {
                at = Optional.of(lines.get(found).at());
                detail = lines.get(found).text();
                // a print without a final newline shares its line with what the next step reports
                boolean open = step.kind() == 2 && !PurgatoryProgram.printText(step).endsWith("\n");
                cursor = open ? found : found + 1;
            } else if (handedOff && result.handoffAt().isPresent()) {
                at = result.handoffAt();
            }
            Optional<Duration> duration = Optional.empty();
            if (at.isPresent()) {
                duration = Optional.of(at.get().minus(previous));
                previous = at.get();
            }
            out.add(new StepRun(step, outcome, at, duration, detail));
        }
        return out;
    }

    /** Return the step kinds that can end a run this way: the architecture step that stopped it, halt or reset. */
    private static Set<Integer> endKinds(HostPurgatory.Result result) {
        if (result.stop().isPresent()) {
            return Set.of(result.stop().get().stepKind());
        }
        return result.handoff() instanceof Handoff.Halted ? Set.of(HALT) : Set.of(RESET);
    }

    /**
     * Return the index of the step that ended the run: the first of the ending kind when that kind never returns;
     * for a kind that returns when it succeeds (a firmware call that may also reset the machine), the last step of
     * that kind the console reports.
     */
    private static int lastBefore(List<PurgatoryProgram.Step> steps, Set<Integer> endKind, List<ConsoleLine> lines,
                                  ArchitectureSteps arch) {
        int first = -1;
        for (PurgatoryProgram.Step s : steps) {
            if (endKind.contains(s.kind())) {
                first = s.index();
                break;
            }
        }
        if (first < 0) {
            return steps.size() - 1;
        }
        int kind = steps.get(first).kind();
        if (arch.byCode(kind).map(StepKindDeclaration::terminal).orElse(true)) {
            return first;
        }
        int last = first;
        int cursor = 0;
        for (PurgatoryProgram.Step s : steps) {
            int found = find(lines, cursor, s, false, arch);
            if (found >= 0) {
                cursor = found + 1;
                if (s.kind() == kind) {
                    last = s.index();
                }
            }
        }
        return last;
    }

    private static List<PurgatoryProgram.Step> concat(List<PurgatoryProgram.Step> a, List<PurgatoryProgram.Step> b) {
        List<PurgatoryProgram.Step> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Return the index of the first line from {@code from} that reports this step, or -1. */
    private static int find(List<ConsoleLine> lines, int from, PurgatoryProgram.Step step, boolean failed,
                            ArchitectureSteps arch) {
        for (int i = from; i < lines.size(); i++) {
            if (reports(lines.get(i).text(), step, failed, arch)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean reports(String line, PurgatoryProgram.Step step, boolean failed, ArchitectureSteps arch) {
        if (failed) {
            // the runtime names the kind as the program does, or by number when it does not implement it
            for (String head : List.of("step " + step.index() + " (" + step.name() + ") ",
                    "step " + step.index() + " (kind " + step.kind() + ") ")) {
                if (line.contains(head + "failed") || line.contains(head + "skipped")) {
                    return true;
                }
            }
            return false;
        }
        return switch (step.kind()) {
            case 2 -> {
                String text = PurgatoryProgram.printText(step).strip();
                String first = text.lines().findFirst().orElse("");
                yield !first.isEmpty() && line.contains(first);
            }
            case 3 -> line.contains("digests ok") || line.contains("digest mismatch")
                    || line.contains("non-zero byte in zero tail");
            case 4 -> line.contains("purgatory: copied ");
            case 9 -> line.contains("purgatory: wrote ");
            case 6 -> line.contains("purgatory: rtc at ");
            case 7 -> PurgatoryProgram.ipmiLabel(step).map(label -> line.startsWith("purgatory: ipmi " + label + ": "))
                    .orElse(false);
            case 8 -> line.startsWith("purgatory: cpu ") || line.startsWith("purgatory: ipmi cpu ");
            case 5 -> line.contains("purgatory: swapped ");
            case HALT -> line.contains("purgatory: halt");
            default -> arch.byCode(step.kind()).map(k -> line.contains(k.consoleMarker())).orElse(false);
        };
    }
}
