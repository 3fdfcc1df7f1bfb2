package io.handoff.core.testing;

import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.arch.SimpleStepKind;
import io.handoff.api.arch.StepCodeRange;
import io.handoff.api.spi.Platform;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.Direction;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A minimal platform for planner tests: kernel top-down at 2 MiB alignment, initrd above 16 MiB, a boot page,
 * and for kdump a 640 KiB backup and nothing else; extra placements can be injected.
 */
public final class ToyPlatform implements Platform {
    private final Consumer<PlanContext> extra;
    private final Optional<byte[]> purgatory;

    /** Create the platform with extra placements run after its own. */
    public ToyPlatform(Consumer<PlanContext> extra) {
        this(extra, Optional.empty());
    }

    /** Create the platform with extra placements run after its own and a purgatory image. */
    public ToyPlatform(Consumer<PlanContext> extra, Optional<byte[]> purgatory) {
        this.extra = extra;
        this.purgatory = purgatory;
    }

    /** Create the platform. */
    public ToyPlatform() {
        this(ctx -> { });
    }

    /** The toy's one architecture kind: a jump with 17 register operands, the last the entry. */
    public static final SimpleStepKind JUMP = new SimpleStepKind("jump", 16,
            java.util.stream.IntStream.rangeClosed(0, 16).mapToObj(i -> i == 16 ? "entry" : "r" + i).toList(), true,
            java.time.Duration.ZERO, "purgatory: jump to ");
    /** The toy's architecture kinds. */
    public static final ArchitectureSteps STEPS = new ArchitectureSteps(List.of(new StepCodeRange(16, 16)),
            List.of(JUMP));

    @Override
    public ArchitectureSteps architectureSteps() {
        return STEPS;
    }

    @Override
    public String id() {
        return "toy";
    }

    @Override
    public boolean detect(SystemView view) {
        return view.exists("/proc/iomem");
    }

    @Override
    public Optional<byte[]> purgatoryImage() {
        return purgatory.map(byte[]::clone);
    }

    @Override
    public int elfMachine() {
        return 62;
    }

    @Override
    public PlatformPlan plan(PlanContext ctx) {
        Path kernel = ctx.request().kernel();
        long size = size(kernel);
        Segment k = ctx.place("kernel", new SegmentData.FileSlice(kernel, 0, size), size,
                new Placement(2 << 20, 1 << 20, Long.MAX_VALUE, Direction.TOP_DOWN));
        ctx.request().initrd().ifPresent(i -> ctx.place("initrd", new SegmentData.FileSlice(i, 0, size(i)), size(i),
                new Placement(4096, 16 << 20, Long.MAX_VALUE, Direction.TOP_DOWN)));
        Segment boot = ctx.place("setup", new SegmentData.Bytes(new byte[] {1, 2, 3}), 4096,
                new Placement(16, 0x3000, Long.MAX_VALUE, Direction.TOP_DOWN));
        if (ctx.request().crash()) {
            ctx.place("backup", new SegmentData.Zeros(), 0xa0000, Placement.anywhere(1024, Direction.TOP_DOWN));
        }
        extra.accept(ctx);
        return new PlatformPlan(k.mem() + 0x200, Map.of("rip", k.mem() + 0x200, "rsi", boot.mem()),
                ctx.request().commandLine(), Map.of("toy", "yes"), List.of());
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
