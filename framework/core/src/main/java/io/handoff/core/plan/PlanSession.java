package io.handoff.core.plan;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.LayoutConstraints;
import io.handoff.api.Settings;
import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.PrstatusLayout;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.ElfCoreRequest;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.spi.Platform;
import io.handoff.core.elf.ElfCoreHeaderBuilder;
import io.handoff.core.memory.HoleFinder;
import io.handoff.core.memory.MemoryMaps;
import io.handoff.core.purgatory.PlacedPurgatory;
import io.handoff.core.purgatory.PurgatoryImage;
import io.handoff.core.purgatory.PurgatoryLinker;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The planner state of one plan, handed to a platform as its {@link PlanContext}.
 *
 * <p>Loadable memory is the machine's RAM (from {@code /proc/iomem}, adjacent ranges merged); for a kdump
 * load it is clipped to the highest {@code Crash kernel} region, which is where kexec_load requires every
 * segment of a crash image to be (kexec-tools' {@code get_crash_kernel_load_range}). A session is used once:
 * on failure it is discarded, so nothing half-planned escapes.
 */
public final class PlanSession implements PlanContext {
    private final Machine machine;
    private final PlanRequest request;
    private final Settings settings;
    private final LayoutConstraints layout;
    private final Contributions contributions;
    private final List<MemoryRange> loadable;
    private final Optional<MemoryRange> crashRegion;
    private final HoleFinder holes;
    private final List<Segment> segments = new ArrayList<>();
    private final Optional<PurgatoryImage> purgatoryImage;
    private final Optional<String> platformId;
    private final OptionalInt elfMachine;
    private final Optional<ByteOrder> byteOrder;
    private final Optional<PrstatusLayout> prstatusLayout;
    private PlacedPurgatory purgatory;
    private PlatformPlan platformPlan;

    /**
     * Start a plan.
     *
     * @param machine the machine
     * @param request what the user asked for
     * @param settings the platform's settings
     * @param layout the platform's layout rules
     * @param contributions the contributions that apply to the platform
     */
    public PlanSession(Machine machine, PlanRequest request, Settings settings, LayoutConstraints layout,
                       Contributions contributions) {
        this(machine, request, settings, layout, contributions, Optional.empty());
    }

    /**
     * Start a plan that links a purgatory image.
     *
     * @param machine the machine
     * @param request what the user asked for
     * @param settings the platform's settings
     * @param layout the platform's layout rules
     * @param contributions the contributions that apply to the platform
     * @param purgatoryImage the platform's checked purgatory image, or empty when it ships none
     */
    public PlanSession(Machine machine, PlanRequest request, Settings settings, LayoutConstraints layout,
                       Contributions contributions, Optional<PurgatoryImage> purgatoryImage) {
        this(Optional.empty(), machine, request, settings, layout, contributions, purgatoryImage);
    }

    /**
     * Start a plan for a platform, which the context then names to contributors ({@link #platformId()},
     * {@link #elfMachine()}, {@link #byteOrder()}).
     *
     * @param platform the platform planning (its layout rules are used)
     * @param machine the machine
     * @param request what the user asked for
     * @param settings the platform's settings
     * @param contributions the contributions that apply to the platform
     * @param purgatoryImage the platform's checked purgatory image, or empty when it ships none
     */
    public PlanSession(Platform platform, Machine machine, PlanRequest request, Settings settings,
                       Contributions contributions, Optional<PurgatoryImage> purgatoryImage) {
        this(Optional.of(platform), machine, request, settings, platform.layout(), contributions, purgatoryImage);
    }

    private PlanSession(Optional<Platform> platform, Machine machine, PlanRequest request, Settings settings,
                        LayoutConstraints layout, Contributions contributions,
                        Optional<PurgatoryImage> purgatoryImage) {
        this.platformId = platform.map(Platform::id);
        // EM_NONE (0) is what a platform that does not say declares
        this.elfMachine = platform.filter(p -> p.elfMachine() != 0).map(p -> OptionalInt.of(p.elfMachine()))
                .orElse(OptionalInt.empty());
        this.byteOrder = platform.map(Platform::byteOrder);
        this.prstatusLayout = platform.flatMap(Platform::prstatusLayout);
        this.purgatoryImage = purgatoryImage;
        this.machine = machine;
        this.request = request;
        this.settings = settings;
        this.layout = layout;
        this.contributions = contributions;
        if (machine.iomem().unprivileged()) {
            throw new HandoffException(FailureKind.MALFORMED_PROFILE,
                    "/proc/iomem: every range is 0-0 (the file was read without root privileges)");
        }
        if (request.crash()) {
            List<MemoryRange> regions = machine.iomem().crashRegions();
            if (regions.isEmpty() && !machine.iomem().named(Iomem.CRASH_KERNEL).isEmpty()) {
                throw new HandoffException(FailureKind.NO_CRASH_REGION, String.format("/proc/iomem line %d: the "
                        + "\"Crash kernel\" line reads 0-0: the crashkernel= reservation failed; boot with a "
                        + "crashkernel=SIZE the machine can reserve",
                        machine.iomem().named(Iomem.CRASH_KERNEL).get(0).line()));
            }
            if (regions.isEmpty()) {
                throw new HandoffException(FailureKind.NO_CRASH_REGION,
                        "/proc/iomem: no \"Crash kernel\" region; boot the running kernel with crashkernel=SIZE");
            }
            // kexec refuses to load the panic kernel into crashkernel low: the highest region is used
            MemoryRange top = regions.stream().max(Comparator.comparingLong(MemoryRange::start)).orElseThrow();
            this.crashRegion = Optional.of(top);
            // the crash region is the loadable memory, as the kernel's own check says (every segment inside
            // crashk_res), whether /proc/iomem nests it in System RAM (x86) or removed it from RAM (s390)
            this.loadable = MemoryMaps.clip(List.of(top.withType(RangeType.RAM)), 0, layout.maxAddress());
        } else {
            this.crashRegion = Optional.empty();
            this.loadable = MemoryMaps.clip(MemoryMaps.sortAndMerge(machine.iomem().roots().stream()
                    .map(e -> e.range())
                    .filter(r -> r.type() == RangeType.RAM)
                    .toList()), 0, layout.maxAddress());
        }
        this.holes = new HoleFinder(loadable, layout.pageSize());
    }

    @Override
    public Machine machine() {
        return machine;
    }

    @Override
    public PlanRequest request() {
        return request;
    }

    @Override
    public Optional<String> platformId() {
        return platformId;
    }

    /** Return the platform's plan once {@link #recordPlatformPlan} has recorded it. */
    @Override
    public Optional<PlatformPlan> platformPlan() {
        return Optional.ofNullable(platformPlan);
    }

    /**
     * Record what the platform's {@code plan} returned, for the step contributors that run after it.
     *
     * @param plan the platform's plan, never {@code null}
     */
    public void recordPlatformPlan(PlatformPlan plan) {
        this.platformPlan = java.util.Objects.requireNonNull(plan, "plan");
    }

    /** The crash assist of this plan and what it placed, once {@link #recordAssist} has recorded them. */
    public record ChosenAssist(io.handoff.api.spi.CrashAssist assist, io.handoff.api.plan.AssistPlan plan) {
    }

    private ChosenAssist chosenAssist;

    /** Record the crash assist and what its {@code place} returned, for the linker. */
    public void recordAssist(io.handoff.api.spi.CrashAssist assist, io.handoff.api.plan.AssistPlan plan) {
        this.chosenAssist = new ChosenAssist(java.util.Objects.requireNonNull(assist, "assist"),
                java.util.Objects.requireNonNull(plan, "plan"));
    }

    /** Return the crash assist of this plan, if one was asked for. */
    public Optional<ChosenAssist> chosenAssist() {
        return Optional.ofNullable(chosenAssist);
    }

    @Override
    public OptionalInt elfMachine() {
        return elfMachine;
    }

    @Override
    public Optional<ByteOrder> byteOrder() {
        return byteOrder;
    }

    @Override
    public Optional<PrstatusLayout> prstatusLayout() {
        return prstatusLayout;
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public long pageSize() {
        return layout.pageSize();
    }

    @Override
    public List<MemoryRange> loadableMemory() {
        return loadable;
    }

    @Override
    public Optional<MemoryRange> crashRegion() {
        return crashRegion;
    }

    @Override
    public Segment place(String role, SegmentData data, long memsz, Placement placement) {
        long size = roundUp(Math.max(memsz, data.length()), layout.pageSize());
        checkSegmentCount(role);
        OptionalLong base = holes.locate(sorted(), size, placement);
        if (base.isEmpty()) {
            throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format(
                    "%s: no free hole of %s (%#x bytes, align %#x, within %#x-%#x); free holes: %s",
                    role, human(size), size, placement.align(), placement.min(),
                    Math.min(placement.max(), lastLoadable()), describeHoles()));
        }
        return add(new Segment(role, data, base.getAsLong(), size));
    }

    @Override
    public Segment placeAt(String role, SegmentData data, long mem, long memsz) {
        long size = roundUp(Math.max(memsz, data.length()), layout.pageSize());
        checkSegmentCount(role);
        if (mem % layout.pageSize() != 0) {
            throw new HandoffException(FailureKind.DOES_NOT_FIT,
                    String.format("%s: base %#x is not page aligned", role, mem));
        }
        MemoryRange wanted = MemoryRange.ofSize(mem, size, RangeType.RAM);
        boolean free = freeHoles().stream().anyMatch(h -> h.contains(wanted.start(), wanted.end()));
        if (!free) {
            throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format(
                    "%s: %#x-%#x (%s) is not free loadable memory; free holes: %s",
                    role, wanted.start(), wanted.end(), human(size), describeHoles()));
        }
        return add(new Segment(role, data, mem, size));
    }

    @Override
    public Optional<Segment> placePurgatory(Placement placement) {
        if (purgatoryImage.isEmpty()) {
            return Optional.empty();
        }
        if (purgatory != null) {
            throw new HandoffException(FailureKind.PLATFORM, String.format(
                    "purgatory: placed twice by the platform (already at %#x)", purgatory.segment().mem()));
        }
        PurgatoryImage image = purgatoryImage.get();
        byte[] bytes = image.loadBytes();
        // FORMAT.md: the image is loaded page aligned, whatever the platform asked for
        Placement aligned = new Placement(Math.max(placement.align(), layout.pageSize()), placement.min(),
                placement.max(), placement.direction());
        Segment segment = place(PurgatoryLinker.ROLE, new SegmentData.Bytes(bytes), image.imageSize(), aligned);
        purgatory = new PlacedPurgatory(image, segment, bytes);
        return Optional.of(segment);
    }

    /** Return the placed purgatory, once {@link #placePurgatory} has run with an image. */
    public Optional<PlacedPurgatory> placedPurgatory() {
        return Optional.ofNullable(purgatory);
    }

    /** Return whether this plan links a purgatory image. */
    public boolean hasPurgatoryImage() {
        return purgatoryImage.isPresent();
    }

    @Override
    public List<MemoryRange> freeHoles() {
        return holes.freeHoles(sorted());
    }

    @Override
    public List<Segment> segments() {
        return sorted();
    }

    @Override
    public <T> List<T> contributions(Class<T> type) {
        return contributions.of(type);
    }

    @Override
    public byte[] elfCoreHeader(ElfCoreRequest elfRequest) {
        return ElfCoreHeaderBuilder.build(elfRequest);
    }

    private Segment add(Segment segment) {
        segments.add(segment);
        return segment;
    }

    private void checkSegmentCount(String role) {
        if (segments.size() >= layout.maxSegments()) {
            throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format(
                    "%s: would be segment %d; kexec_load takes at most %d", role, segments.size() + 1,
                    layout.maxSegments()));
        }
    }

    private List<Segment> sorted() {
        return segments.stream().sorted(Comparator.comparingLong(Segment::mem)).toList();
    }

    private long lastLoadable() {
        return loadable.isEmpty() ? 0 : loadable.get(loadable.size() - 1).end();
    }

    private String describeHoles() {
        List<MemoryRange> free = freeHoles();
        if (free.isEmpty()) {
            return "none";
        }
        return free.stream().map(h -> String.format("%#x-%#x (%s)", h.start(), h.end(), human(h.size())))
                .collect(Collectors.joining(", "));
    }

    static long roundUp(long value, long align) {
        return (value + align - 1) & -align;
    }

    /** Format a size the way people read them: 640 KiB, 256 MiB. */
    public static String human(long bytes) {
        if (bytes >= (1L << 30) && bytes % (1L << 20) == 0) {
            return trim(bytes / (double) (1L << 30)) + " GiB";
        }
        if (bytes >= (1L << 20)) {
            return trim(bytes / (double) (1L << 20)) + " MiB";
        }
        if (bytes >= 1024) {
            return trim(bytes / 1024.0) + " KiB";
        }
        return bytes + " B";
    }

    private static String trim(double v) {
        String s = String.format("%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
