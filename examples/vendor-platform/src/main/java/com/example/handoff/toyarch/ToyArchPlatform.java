package com.example.handoff.toyarch;

import io.handoff.api.Capabilities;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.ImageFormat;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.Direction;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.spi.Platform;
import io.handoff.api.spi.ShippedPurgatory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * toyarch, a toy architecture that runs only on handoff's reference machine: a TOYK kernel (see {@link ToyKernel})
 * entered at its entry with {@code a0} pointing at a boot-info block (command line and initrd).
 *
 * <p>Placement: purgatory first (page aligned, at or above 4 KiB, top-down), the kernel at a 64 KiB boundary at or
 * above 1 MiB (bottom-up), the initrd (page aligned, at or above 1 MiB, top-down), then the boot-info block (page
 * aligned, top-down). For a kdump load everything lands in the crash region and the capture kernel is told so on
 * its command line ({@code toyarch.capture=START-END}).
 */
@Extension
public final class ToyArchPlatform implements Platform {
    /** The platform id. */
    public static final String ID = "toyarch";
    /** The file a toyarch kernel exports: present only on toyarch machines. */
    public static final String MARKER = "/proc/toyarch";
    /** toyarch borrows x86-64's instruction set, and with it the ELF machine number (EM_X86_64). */
    public static final int ELF_MACHINE = 62;
    /** Where the plugin's build puts the purgatory image (src/build/image.conf's IMAGE_NAME). */
    static final String PURGATORY_RESOURCE = "/purgatory/toyarch.bin";

    static final long MIN_ADDRESS = 0x1000;
    static final long KERNEL_MIN = 0x10_0000;
    static final long KERNEL_ALIGN = 0x1_0000;

    @Override
    public String id() {
        return ID;
    }

    /** Detect a toyarch machine by the file its kernel exports. */
    @Override
    public boolean detect(SystemView view) {
        return view.exists(MARKER);
    }

    @Override
    public List<ImageFormat> imageFormats() {
        return List.of(new ImageFormat(ToyKernel.FORMAT, "toyarch TOYK image: \"TOYK\", version 1, entry offset, memsz"));
    }

    @Override
    public int elfMachine() {
        return ELF_MACHINE;
    }

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    /** The toy board's ports are memory-mapped, but purgatory sees port I/O (UART, CMOS clock, BMC) as on a PC. */
    @Override
    public Set<String> capabilities() {
        return Set.of(Capabilities.PORT_IO);
    }

    @Override
    public Optional<byte[]> purgatoryImage() {
        return ShippedPurgatory.read(ToyArchPlatform.class, PURGATORY_RESOURCE);
    }

    @Override
    public ArchitectureSteps architectureSteps() {
        return ToyArchSteps.ALL;
    }

    @Override
    public Optional<ArchitectureSimulator> simulator() {
        return Optional.of(new ToyArchSimulator());
    }

    @Override
    public List<String> captureFiles() {
        return List.of(MARKER);
    }

    @Override
    public String description() {
        return "toyarch (TOYK kernels; an example vendor platform for the reference machine)";
    }

    @Override
    public PlatformPlan plan(PlanContext context) {
        PlanRequest request = context.request();
        ToyKernel kernel = ToyKernel.parse(request.kernel());
        List<String> warnings = new ArrayList<>();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("entry offset", String.format("%#x", kernel.entryOffset()));
        facts.put("memsz", String.format("%#x", kernel.memsz()));
        if (context.placePurgatory(new Placement(4096, MIN_ADDRESS, Long.MAX_VALUE, Direction.TOP_DOWN)).isEmpty()) {
            warnings.add("this build of the toyarch plugin has no purgatory image (" + PURGATORY_RESOURCE + ")");
        }
        Segment placed = context.place("kernel", new SegmentData.FileSlice(kernel.file(), 0, kernel.size()),
                kernel.memsz(), new Placement(KERNEL_ALIGN, KERNEL_MIN, Long.MAX_VALUE, Direction.BOTTOM_UP));
        long initrdAddress = 0;
        long initrdSize = 0;
        if (request.initrd().isPresent()) {
            Path initrd = request.initrd().get();
            initrdSize = size(initrd);
            initrdAddress = context.place("initrd", new SegmentData.FileSlice(initrd, 0, initrdSize), initrdSize,
                    new Placement(4096, KERNEL_MIN, Long.MAX_VALUE, Direction.TOP_DOWN)).mem();
        }
        String commandLine = request.commandLine();
        if (request.crash()) {
            var region = context.crashRegion().orElseThrow(() -> new HandoffException(FailureKind.NO_CRASH_REGION,
                    "toyarch: a kdump load needs a crash region"));
            commandLine = (commandLine.isEmpty() ? "" : commandLine + " ")
                    + String.format("toyarch.capture=%#x-%#x", region.start(), region.end());
        }
        byte[] bootInfo = bootInfo(commandLine, initrdAddress, initrdSize);
        Segment info = context.place("bootinfo", new SegmentData.Bytes(bootInfo), bootInfo.length,
                new Placement(4096, MIN_ADDRESS, Long.MAX_VALUE, Direction.TOP_DOWN));
        long entry = placed.mem() + kernel.entryOffset();
        return new PlatformPlan(entry, ToyArchSimulator.registers(entry, info.mem()), commandLine, facts, warnings);
    }

    /** The boot-info block a0 points at: "TOYB", version 1, initrd address and size, command line length, its bytes. */
    static byte[] bootInfo(String commandLine, long initrdAddress, long initrdSize) {
        byte[] line = commandLine.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(32 + line.length + 1).order(ByteOrder.LITTLE_ENDIAN);
        b.put("TOYB".getBytes(StandardCharsets.US_ASCII)).putInt(1).putLong(initrdAddress).putLong(initrdSize)
                .putLong(line.length).put(line);
        return b.array();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
