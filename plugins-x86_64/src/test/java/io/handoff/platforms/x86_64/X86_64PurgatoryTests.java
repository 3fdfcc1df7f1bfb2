package io.handoff.platforms.x86_64;

import io.handoff.core.testing.Fixtures;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.system.IomemParser;
import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.Settings;
import io.handoff.api.machine.CrashNote;
import io.handoff.api.machine.FirmwareMemmapEntry;
import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.KcoreLoad;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.machine.SystemView;
import io.handoff.api.machine.VmcoreInfo;
import io.handoff.api.plan.ElfCoreRequest;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.spi.MemoryMapPassing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class X86_64PurgatoryTests {
    static final long CRASH_START = 0x2E000000L;
    static final long CRASH_END = 0x3DFFFFFFL;
    /** The size kexec-tools' purgatory takes in memory in the reference plan (segments.txt, segment 2). */
    static final int IMAGE_SIZE = 0x9000;

    @TempDir
    Path tmp;

    Path kernel;

    /** A valid FORMAT.md header (entry 0x760, parameters at 0x1000) followed by zeros. */
    static byte[] syntheticPurgatory() {
        ByteBuffer b = ByteBuffer.allocate(0x70E0).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x47504F48).putShort((short) 1).putShort((short) 64).putInt(0x760).putInt(0x1000).putInt(0x4000)
                .putInt(0x1000).putInt(IMAGE_SIZE).putInt(62);
        return b.array();
    }

    /** The qemu guest, as far as plan() reads it. */
    record QemuMachine(Iomem iomem) implements Machine {
        @Override
        public SystemView view() {
            return new X86_64PlatformTests.DirView(Fixtures.profile("qemu-pc-x86_64-1g"));
        }

        @Override
        public List<FirmwareMemmapEntry> firmwareMemmap() {
            return List.of();
        }

        @Override
        public List<CrashNote> crashNotes() {
            return List.of();
        }

        @Override
        public Optional<VmcoreInfo> vmcoreInfo() {
            return Optional.empty();
        }

        @Override
        public List<KcoreLoad> kcoreLoads() {
            return List.of(new KcoreLoad(0xFFFFFFFF9F600000L, 0x1F600000L, 0x3400000L));
        }

        @Override
        public Map<String, Long> kernelSymbols() {
            return Map.of("_stext", 0xFFFFFFFF9F601000L);
        }

        @Override
        public Optional<byte[]> bootParams() {
            return Optional.empty();
        }

        @Override
        public String commandLine() {
            return "";
        }
    }

    /** A planner double: places top-down in the crash region, page aligned, and records the order. */
    static final class RecordingContext implements PlanContext {
        final List<String> order = new ArrayList<>();
        final List<Segment> placed = new ArrayList<>();
        final Machine machine = new QemuMachine(ProfileMachine.at(Fixtures.profile("qemu-pc-x86_64-1g")).iomem());
        final PlanRequest request;
        final boolean hasPurgatory;
        long cursor = CRASH_END + 1;
        PlatformPlan planned;

        RecordingContext(PlanRequest request, boolean hasPurgatory) {
            this.request = request;
            this.hasPurgatory = hasPurgatory;
        }

        /** Plan with the platform and record its plan, as the framework does before the contributors run. */
        PlatformPlan planWith(X86_64Platform platform) {
            planned = platform.plan(this);
            return planned;
        }

        @Override
        public Optional<PlatformPlan> platformPlan() {
            return Optional.ofNullable(planned);
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
        public Settings settings() {
            return new StringSettings(Map.of("memmap", "e820"));
        }

        @Override
        public long pageSize() {
            return 4096;
        }

        @Override
        public List<MemoryRange> loadableMemory() {
            return List.of(new MemoryRange(CRASH_START, CRASH_END, RangeType.RAM));
        }

        @Override
        public Optional<MemoryRange> crashRegion() {
            return Optional.of(loadableMemory().get(0));
        }

        @Override
        public Segment place(String role, SegmentData data, long memsz, Placement placement) {
            long size = (Math.max(memsz, data.length()) + 4095) & -4096L;
            long align = Math.max(placement.align(), 4096);
            cursor = (cursor - size) & -align;
            order.add(role);
            Segment s = new Segment(role, data, cursor, size);
            placed.add(s);
            return s;
        }

        @Override
        public Segment placeAt(String role, SegmentData data, long mem, long memsz) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Segment> placePurgatory(Placement placement) {
            if (!hasPurgatory) {
                return Optional.empty();
            }
            return Optional.of(place("purgatory", new SegmentData.Bytes(syntheticPurgatory()), IMAGE_SIZE, placement));
        }

        @Override
        public List<MemoryRange> freeHoles() {
            return List.of();
        }

        @Override
        public List<Segment> segments() {
            return placed.stream().sorted(Comparator.comparingLong(Segment::mem)).toList();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> List<T> contributions(Class<T> type) {
            return type == MemoryMapPassing.class ? (List<T>) List.of(new E820Passing()) : List.of();
        }

        @Override
        public byte[] elfCoreHeader(ElfCoreRequest elfRequest) {
            return new byte[0x400];
        }

        Segment role(String role) {
            return placed.stream().filter(s -> s.role().equals(role)).findFirst().orElseThrow();
        }
    }

    record StringSettings(Map<String, String> values) implements Settings {
        @Override
        public boolean has(String path) {
            return values.containsKey(path);
        }

        @Override
        public String getString(String path) {
            return values.get(path);
        }

        @Override
        public boolean getBoolean(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int getInt(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long getBytes(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Duration getDuration(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> getStringList(String path) {
            throw new UnsupportedOperationException();
        }
    }

    @BeforeEach
    void kernel() {
        kernel = new SyntheticBzImage().write(tmp.resolve("bzImage"));
    }

    RecordingContext context(PlanRequest.Mode mode, boolean hasPurgatory) {
        return new RecordingContext(new PlanRequest(mode, kernel, Optional.empty(), "console=ttyS0", Map.of()),
                hasPurgatory);
    }

    @Nested
    class Placement_ {
        @Test
        void placesPurgatoryAfterTheKdumpSegmentsAndBeforeSetupAndKernelLikeKexecTools() {
            RecordingContext ctx = context(PlanRequest.Mode.KDUMP, true);

            PlatformPlan plan = new X86_64Platform(() -> Optional.of(syntheticPurgatory())).plan(ctx);

            assertThat(ctx.order).containsExactly("backup", "elfcorehdr", "purgatory", "setup", "kernel");
            assertThat(plan.warnings()).noneMatch(w -> w.contains("no purgatory image"));
        }

        @Test
        void placesItBeforeSetupForAKexecLoadToo() {
            RecordingContext ctx = context(PlanRequest.Mode.KEXEC, true);

            new X86_64Platform(() -> Optional.of(syntheticPurgatory())).plan(ctx);

            assertThat(ctx.order).containsExactly("purgatory", "setup", "kernel");
        }

        @Test
        void withoutAnImageThePlanSaysSoAndPlacesNone() {
            RecordingContext ctx = context(PlanRequest.Mode.KDUMP, false);

            PlatformPlan plan = new X86_64Platform(Optional::empty).plan(ctx);

            assertThat(ctx.order).containsExactly("backup", "elfcorehdr", "setup", "kernel");
            assertThat(plan.warnings()).anyMatch(w -> w.startsWith(
                    "this build of the x86_64 plugin has no purgatory image (/purgatory/x86_64.bin)"));
        }

        @Test
        void theShippedImageIsAbsentOrAPurgatoryImage() {
            // the blob is built by the plugin's native build step; without it the platform says it has none
            Optional<byte[]> shipped = new X86_64Platform().purgatoryImage();

            shipped.ifPresent(b -> assertThat(b).startsWith(0x48, 0x4F, 0x50, 0x47));
            assertThat(new X86_64Platform(() -> Optional.of(syntheticPurgatory())).purgatoryImage())
                    .hasValueSatisfying(b -> assertThat(b).isEqualTo(syntheticPurgatory()));
        }
    }

    @Nested
    class Steps {
        @Test
        void kdumpInitialisesTheConsolePrintsCopiesTheBackupAndJumps() {
            RecordingContext ctx = context(PlanRequest.Mode.KDUMP, true);
            PlatformPlan plan = ctx.planWith(new X86_64Platform(() -> Optional.of(syntheticPurgatory())));

            List<PurgatoryStep> steps = new X86_64PurgatorySteps().steps(ctx);

            assertThat(steps).extracting(PurgatoryStep::kind).containsExactly("console", "print", "copy", "jump-x86_64");
            assertThat(steps.get(0)).isEqualTo(new PurgatoryStep("console", FailurePolicy.BEST_EFFORT,
                    Duration.ofMillis(1), List.of(0x3F8L, 1L), "16550 UART at 0x3f8, 115200 baud"));
            assertThat(steps.get(1).description()).isEqualTo("handoff: purgatory for x86_64 kdump, 5 segments\n");
            assertThat(steps.get(1).operands()).isEmpty();
            // 47 characters and CR LF, 10 bits each, at 115200 baud: 4253.47 us, rounded up, plus 1 ms
            assertThat(steps.get(1).worstCase()).isEqualTo(Duration.ofNanos(5_254_000));
            // the first low RAM range 0x1000-0x9fbff goes to the backup segment: 0x9ec00 bytes at 200 MB/s
            assertThat(steps.get(2).operands()).containsExactly(0x1000L, ctx.role("backup").mem(), 0x9EC00L);
            assertThat(steps.get(2).policy()).isEqualTo(FailurePolicy.REQUIRED);
            assertThat(steps.get(2).worstCase()).isEqualTo(Duration.ofNanos(3_252_000));
            List<Long> regs = steps.get(3).operands();
            assertThat(regs).hasSize(17);
            assertThat(regs.get(4)).isEqualTo(plan.registers().get("rsi")).isEqualTo(ctx.role("setup").mem());
            assertThat(regs.get(16)).isEqualTo(plan.registers().get("rip")).isEqualTo(ctx.role("kernel").mem() + 0x200);
            assertThat(regs.get(1)).isEqualTo(plan.registers().get("rbx")).isZero();
            assertThat(regs.get(6)).isZero(); // rsp: startup_64 sets up its own stack
            assertThat(regs.stream().filter(r -> r != 0)).hasSize(2);
            assertThat(steps.get(3).policy()).isEqualTo(FailurePolicy.REQUIRED);
        }

        @Test
        void kexecHasNoBackupCopy() {
            RecordingContext ctx = context(PlanRequest.Mode.KEXEC, true);
            ctx.planWith(new X86_64Platform(() -> Optional.of(syntheticPurgatory())));

            List<PurgatoryStep> steps = new X86_64PurgatorySteps().steps(ctx);

            assertThat(steps).extracting(PurgatoryStep::kind).containsExactly("console", "print", "jump-x86_64");
            assertThat(steps.get(1).description()).isEqualTo("handoff: purgatory for x86_64 kexec, 3 segments\n");
        }

        @Test
        void namesItsSteps() {
            assertThat(new X86_64PurgatorySteps().stepNames()).containsExactly("console", "print", "copy",
                    "jump-x86_64");
        }
    }

    @Nested
    class Fallback {
        @Test
        void printsAndHaltsOnEveryMachine() {
            X86_64HaltFallback halt = new X86_64HaltFallback();
            Machine machine = new QemuMachine(iomem("00001000-0009fbff : System RAM\n"));

            assertThat(halt.priority()).isEqualTo(100);
            assertThat(halt.id()).isEqualTo("x86_64-halt");
            List<PurgatoryStep> steps = halt.steps(machine).orElseThrow();
            assertThat(steps).extracting(PurgatoryStep::kind).containsExactly("print", "halt");
            assertThat(steps.get(0).description()).startsWith("handoff: purgatory: a required step failed, halting");
            assertThat(steps.get(1).operands()).containsExactly(1L);
            assertThat(steps.get(1).worstCase()).isZero();
        }
    }

    private static io.handoff.api.machine.Iomem iomem(String text) {
        return IomemParser.parse(text, "/proc/iomem");
    }
}
