package io.handoff.core.bench;

import io.handoff.api.plan.PlanRequest;
import io.handoff.core.bundle.MemoryMapSvg;
import io.handoff.core.bundle.PlanText;
import io.handoff.core.digest.SegmentDigester;
import io.handoff.core.plan.Contributions;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plan.Planner;
import io.handoff.core.system.IomemParser;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.testing.MapSettings;
import io.handoff.core.testing.ToyPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How parsing /proc/iomem, planning a kdump load, and rendering plan.txt and memory-map.svg scale with the number of
 * iomem lines: each should grow linearly (10× the lines, about 10× the time).
 *
 * <p>Run with {@code framework/core/src/jmh/run-benchmarks.sh}; compiled only with {@code -Pbenchmarks}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class IomemScalingBenchmark {
    @Param({"1000", "10000", "100000"})
    public int lines;

    private Path root;
    private String text;
    private ProfileMachine machine;
    private HandoffImage image;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        root = Files.createTempDirectory("iomem-bench");
        text = LargeIomem.generate(lines);
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/iomem"), text);
        Files.write(root.resolve("vmlinuz"), new byte[1 << 20]);
        machine = ProfileMachine.at(root);
        image = plan(machine);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private HandoffImage plan(ProfileMachine m) {
        PlanRequest request = new PlanRequest(PlanRequest.Mode.KDUMP, root.resolve("vmlinuz"), Optional.empty(),
                "console=ttyS0", Map.of());
        return new Planner(new SegmentDigester(1 << 20, 1)).plan(new ToyPlatform(ctx -> { }), MapSettings.empty(),
                Contributions.NONE, m, request);
    }

    /** Parse the text. */
    @Benchmark
    public Object parse() {
        return IomemParser.parse(text, "/proc/iomem");
    }

    /** Read the profile and plan a kdump load on it (a fresh machine each time: the parse is included). */
    @Benchmark
    public Object plan() {
        return plan(ProfileMachine.at(root));
    }

    /** Render plan.txt. */
    @Benchmark
    public Object planText() {
        return PlanText.render(image, machine, List.of("segments/00-kernel.bin"));
    }

    /** Render memory-map.svg. */
    @Benchmark
    public Object svg() {
        return MemoryMapSvg.render(image, machine);
    }
}
