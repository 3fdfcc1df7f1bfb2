package io.handoff.platforms.s390x;

import io.handoff.api.BundledProfile;
import io.handoff.api.Capabilities;
import io.handoff.api.DebianKernel;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.ImageFormat;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.SyscallNumbers;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.CaptureMemoryMap;
import io.handoff.api.plan.Direction;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.spi.MemoryMapPassing;
import io.handoff.api.spi.Platform;
import io.handoff.api.spi.ShippedPurgatory;
import io.handoff.api.support.ElfIdent;
import io.handoff.api.support.FileSlices;
import io.handoff.api.support.GenericSteps;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.pf4j.Extension;

/**
 * The s390x platform (big-endian): an s390 kernel image loaded at 0x10000 with its parameter area edited in a copy,
 * as kexec-tools' {@code image_s390_load()} does (kexec-facts D.1).
 *
 * <p>Every segment is at a fixed offset from the load base (0 for kexec, the crash region's start for kdump),
 * placed with {@link PlanContext#placeAt}: the image's first pages (the parameter area copy, a byte segment
 * {@code kernel-head}) and the rest of the file ({@code kernel}, streamed) at 0x10000; the initrd at
 * ALIGN_UP(max(8 MiB, kernel size), 1 MiB); purgatory in [base + 0x2000, base + 0x10000), the window s390 Linux
 * never uses. The parameter area gets the initrd's start and size (0x408, 0x410, relative to the base: the kdump
 * kernel sees memory swapped), the command line (0x480, limit at 0x430) and, for kdump, OLDMEM base and size
 * (0x418, 0x420) through the {@code oldmem} {@link MemoryMapPassing}. No elfcorehdr is passed: the s390 kdump kernel
 * builds its own ELF core header.
 *
 * @since 0.1
 */
@Extension
public final class S390xPlatform implements Platform {
    /** The platform id. */
    public static final String ID = "s390x";
    /** The ELF machine number of s390 ({@code EM_S390}), also the kexec arch id. */
    public static final int EM_S390 = 22;
    /** The resource the plugin's purgatory image is built into. */
    public static final String PURGATORY_RESOURCE = "/purgatory/s390x.bin";
    /** The lowcore (prefix area) purgatory keeps in the crash region: [0, 0x2000). */
    public static final long LOWCORE_SIZE = 0x2000;
    /** Where the swap of the crash region with low memory starts (the kernel's load address). */
    public static final long SWAP_FROM = S390Image.IMAGE_OFFSET;
    /** The purgatory window, relative to the load base: [0x2000, 0x10000). */
    public static final long PURGATORY_WINDOW_START = 0x2000;

    /** The re-IPL settings the kernel publishes (s390 only); {@code handoff capture} copies them. */
    public static final String REIPL_DIR = "/sys/firmware/reipl";
    /** The kexec syscalls of s390x Linux (arch/s390/kernel/syscalls/syscall.tbl). */
    public static final SyscallNumbers SYSCALLS = new SyscallNumbers(277, 381, 88);
    /** The profiles shipped for s390x: 1 GiB, crashkernel=128M at 0x38000000, 2 CPUs, each dump type. */
    public static final List<BundledProfile> PROFILES = List.of(
            new BundledProfile("s390x-ccw-dump", "synthetic s390x, 1 GiB, crashkernel=128M, dump type ccw"),
            new BundledProfile("s390x-fcp-dump", "synthetic s390x, 1 GiB, crashkernel=128M, dump type fcp"),
            new BundledProfile("s390x-no-dump", "synthetic s390x, 1 GiB, crashkernel=128M, dump type none"));

    private static final String KCORE = "/proc/kcore";
    private static final long PAGE = 4096;

    private final Supplier<Optional<byte[]>> purgatory;

    /** Create the platform with the purgatory image the plugin ships, if the build produced one. */
    public S390xPlatform() {
        this(() -> ShippedPurgatory.read(S390xPlatform.class, PURGATORY_RESOURCE));
    }

    /** Create the platform with another purgatory image source (tests). */
    S390xPlatform(Supplier<Optional<byte[]>> purgatory) {
        this.purgatory = purgatory;
    }

    @Override
    public String id() {
        return ID;
    }

    /**
     * Detect an s390 machine: its kernel publishes {@code /sys/firmware/reipl} or {@code /sys/firmware/dump}
     * (only s390 kernels do), or {@code /proc/kcore}'s ELF header says EM_S390.
     */
    @Override
    public boolean detect(SystemView view) {
        return view.exists(REIPL_DIR) || view.exists(DumpDevice.DUMP_DIR) || kcoreMachine(view) == EM_S390;
    }

    @Override
    public List<ImageFormat> imageFormats() {
        return List.of(new ImageFormat("s390-image", "s390 kernel image (image/vmlinuz), entry 0x10000, parameter "
                + "area at 0x10400"));
    }

    @Override
    public int elfMachine() {
        return EM_S390;
    }

    /** Recognise an s390 image ("S390EP" at 0x10008) or a big-endian s390 ELF (a vmlinux). */
    @Override
    public Optional<String> describeImage(byte[] head) {
        int ep = (int) S390Image.IMAGE_OFFSET + 8;
        if (head.length >= ep + 6 && new String(head, ep, 6, java.nio.charset.StandardCharsets.US_ASCII)
                .equals("S390EP")) {
            return Optional.of("an s390x kernel image");
        }
        if (ElfIdent.of(head).filter(id -> id.is(ByteOrder.BIG_ENDIAN, EM_S390)).isPresent()) {
            return Optional.of("an ELF executable for EM_S390 (a vmlinux, not an s390 image)");
        }
        return Optional.empty();
    }

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.BIG_ENDIAN;
    }

    @Override
    public Set<String> hostArchitectures() {
        return Set.of("s390x");
    }

    @Override
    public Optional<SyscallNumbers> syscallNumbers() {
        return Optional.of(SYSCALLS);
    }

    /** Return the dump device and re-IPL trees, which the dump re-IPL fallback and {@link #detect} read. */
    @Override
    public List<String> captureFiles() {
        return List.of(DumpDevice.DUMP_DIR, REIPL_DIR);
    }

    /** Return the three synthetic profiles, ccw (the default), fcp and none as the dump device. */
    @Override
    public List<BundledProfile> bundledProfiles() {
        return PROFILES;
    }

    /** Return Debian's {@code linux-image-s390x}; no s390 image is ever in an x86 host's /boot. */
    @Override
    public Optional<DebianKernel> debianKernel() {
        return Optional.of(new DebianKernel("s390x", "s390x"));
    }

    /** Return {@code dump-reipl}: diag 308 re-IPL; no port I/O, so no KCS, RTC or UART last words. */
    @Override
    public Set<String> capabilities() {
        return Set.of(Capabilities.DUMP_REIPL);
    }

    @Override
    public Optional<byte[]> purgatoryImage() {
        return purgatory.get();
    }

    @Override
    public ArchitectureSteps architectureSteps() {
        return S390xSteps.ALL;
    }

    @Override
    public Optional<ArchitectureSimulator> simulator() {
        return Optional.of(new S390xSimulator());
    }

    @Override
    public String description() {
        return "s390x (s390 image, big-endian; kdump: crash-region swap, OLDMEM, kdump PSW; dump re-IPL fallback)";
    }

    @Override
    public PlatformPlan plan(PlanContext context) {
        PlanRequest request = context.request();
        S390Image image = S390Image.read(request.kernel(),
                request.commandLine().getBytes(StandardCharsets.US_ASCII).length);
        ParameterArea area = new ParameterArea(image, request.commandLine());
        Optional<MemoryRange> crash = request.crash() ? Optional.of(context.crashRegion().orElseThrow(
                () -> new HandoffException(FailureKind.NO_CRASH_REGION,
                        "/proc/iomem: no \"Crash kernel\" region; a kdump load needs crashkernel= on the command line")))
                : Optional.empty();
        long base = crash.map(MemoryRange::start).orElse(0L);
        Map<String, String> facts = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        facts.put("kernel size", String.format("%#x (file from 0x10000)", image.kernelSize()));
        facts.put("max_command_line_size", Long.toString(image.maxCommandLine()));
        image.version().ifPresent(v -> facts.put("kernel version", v));
        crash.ifPresent(c -> {
            if (c.start() < c.size()) {
                throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format("/proc/iomem: Crash kernel %#x-%#x "
                        + "starts below its own size: it cannot be swapped with [0, %#x)", c.start(), c.end(), c.size()));
            }
        });

        // the whole image must fit in the crash region at its fixed offset, as kexec-tools' add_segment_check says
        byte[] head = image.head();
        Segment headSegment = context.placeAt("kernel-head", new SegmentData.Bytes(head), base + S390Image.IMAGE_OFFSET,
                S390Image.alignUp(head.length, PAGE));
        image.tail().ifPresent(tail -> context.placeAt("kernel", tail,
                headSegment.mem() + head.length, S390Image.alignUp(tail.length(), PAGE)));
        if (request.initrd().isPresent()) {
            Path initrd = request.initrd().get();
            SegmentData.FileSlice slice = FileSlices.whole(initrd);
            long size = slice.length();
            long origin = image.ramdiskOrigin();
            context.placeAt("initrd", slice, base + origin,
                    S390Image.alignUp(Math.max(size, 1), PAGE));
            area.setInitrd(origin, size);
            facts.put("initrd", String.format("%#x bytes at %#x (+ base %#x)", size, origin, base));
        }
        if (context.placePurgatory(new Placement(PAGE, base + PURGATORY_WINDOW_START, base + SWAP_FROM - 1,
                Direction.TOP_DOWN)).isEmpty()) {
            warnings.add("this build of the s390x plugin has no purgatory image (" + PURGATORY_RESOURCE + "): the plan "
                    + "has no purgatory segment and cannot be loaded");
        }
        if (crash.isPresent()) {
            MemoryMapPassing passing = memoryMapPassing(context);
            CaptureMemoryMap map = new CaptureMemoryMap(List.of(crash.get().withType(RangeType.RAM)));
            passing.pass(map, area);
            facts.put("memmap", passing.id());
            facts.put("oldmem", String.format("base %#x size %#x (parameter area 0x10418/0x10420)", crash.get().start(),
                    crash.get().size()));
        }
        area.finish();

        long entry = request.crash() ? S390Image.STARTUP_KDUMP : S390Image.STARTUP_NORMAL;
        Map<String, Long> registers = new LinkedHashMap<>();
        registers.put("psw_mask", request.crash() ? Steps.PSW_MASK_64 : Steps.PSW_MASK_31);
        registers.put("psw_addr", entry);
        List<PurgatoryStep> moves = crash.map(S390xPlatform::crashMoves).orElse(List.of());
        PurgatoryStep jump = S390xSteps.loadPsw(registers.get("psw_mask"), entry,
                request.crash() ? "the kdump kernel's entry" : "the kernel's normal entry");
        return new PlatformPlan(entry, registers, area.commandLine(), facts, warnings, moves, Optional.of(jump));
    }

    // the capture kernel runs in [0, crash size): what was there goes up into the crash region, where the kdump
    // kernel finds it through OLDMEM_BASE; [0x2000, 0x10000) is left alone (purgatory lives above it); then the old
    // lowcore is kept in the crash region
    private static List<PurgatoryStep> crashMoves(MemoryRange crash) {
        return List.of(
                GenericSteps.swap(crash.start() + SWAP_FROM, SWAP_FROM, crash.size() - SWAP_FROM,
                        "the crash region with low memory", Steps.SWAP),
                GenericSteps.copy(0, crash.start(), LOWCORE_SIZE, "the old lowcore into the crash region", Steps.COPY));
    }

    private static MemoryMapPassing memoryMapPassing(PlanContext context) {
        String id = context.request().options().getOrDefault("memmap", context.settings().getString("memmap"));
        List<MemoryMapPassing> known = context.contributions(MemoryMapPassing.class);
        return known.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow(() -> new HandoffException(
                FailureKind.CONFIGURATION, String.format("handoff.platforms.s390x.memmap: unknown value \"%s\"; "
                        + "known: %s", id, known.stream().map(MemoryMapPassing::id).sorted().toList())));
    }

    // /proc/kcore's ELF header: e_machine at 18, in the byte order EI_DATA (offset 5) names; 0 when unreadable
    static int kcoreMachine(SystemView view) {
        if (!view.exists(KCORE)) {
            return 0;
        }
        byte[] h = view.readBytes(KCORE, 20);
        if (h.length < 20 || h[0] != 0x7F || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
            return 0;
        }
        int a = h[18] & 0xFF;
        int b = h[19] & 0xFF;
        return h[5] == 2 ? a << 8 | b : b << 8 | a;
    }
}
