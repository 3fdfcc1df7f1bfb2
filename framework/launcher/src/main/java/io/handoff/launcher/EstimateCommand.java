package io.handoff.launcher;

import io.handoff.api.machine.IomemEntry;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.plan.Segment;
import io.handoff.core.bundle.Json;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.system.DirectorySystemView;
import io.handoff.core.system.ProfileMachine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code handoff estimate}: the crashkernel= reservation this machine needs for this capture kernel and initrd.
 *
 * <p>In the spirit of {@code kdumpctl estimate}: what the load itself occupies (the planned segments: the kernel
 * at its in-memory size, the initrd, purgatory, boot data, ELF core header, backup) plus what the capture kernel
 * needs to run: a 64 MiB base (kdumpctl's runtime reservation), makedumpfile's two page bitmaps over the RAM it
 * dumps, and 1 MiB per further CPU when its command line does not limit it to one. Rounded up to 16 MiB.
 */
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = {"Estimate the crashkernel= reservation this machine needs for this capture kernel and initrd,",
            "and compare it with the current one. The kernel, initrd and command line are those a kdump load",
            "would take (options, else handoff.load in the configuration)."})
final class EstimateCommand implements Callable<Integer> {
    static final long MIB = 1L << 20;
    static final long RUNTIME_BASE = 64 * MIB;
    static final long PER_CPU = MIB;
    static final long ROUND = 16 * MIB;
    private static final Pattern ONE_CPU = Pattern.compile("(^|\\s)(nr_cpus|maxcpus)=1(\\s|$)");

    @Mixin
    CommonOptions common;

    @Mixin
    PlanningOptions planning;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Machine: / or a profile directory or a bundled profile's name (default: ${DEFAULT-VALUE}).")
    Path root;

    @Option(names = "--json", description = "Print the estimate as JSON (schema handoff-estimate/1, in README).")
    boolean json;

    @Spec
    CommandSpec spec;

    /** One estimate: its parts, the sum rounded up, and the reservation it is compared with. */
    record Estimate(String platform, String kernel, String initrd, long loaded, long ram, long bitmaps, int cpus,
            boolean oneCpu, long perCpu, long recommended, long reserved) {
        String verdict() {
            return reserved == 0 ? "none" : reserved >= recommended ? "enough" : "too-small";
        }

        /** The --json form, schema handoff-estimate/1. */
        Map<String, Object> json() {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("schema", "handoff-estimate/1");
            e.put("platform", platform);
            e.put("kernel", kernel);
            e.put("initrd", initrd);
            e.put("loadedBytes", loaded);
            e.put("runtimeBaseBytes", RUNTIME_BASE);
            e.put("ramBytes", ram);
            e.put("bitmapBytes", bitmaps);
            e.put("cpus", cpus);
            e.put("capturesOneCpu", oneCpu);
            e.put("perCpuBytes", perCpu);
            e.put("recommendedBytes", recommended);
            e.put("reservedBytes", reserved);
            e.put("verdict", verdict());
            return e;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Estimate e;
        try (HandoffRuntime runtime = HandoffRuntime.start(common)) {
            root = Distribution.resolveProfile(root, runtime.registry());
            ProfileMachine machine = new ProfileMachine(new DirectorySystemView(root));
            planning.applyDefaults(runtime.loadSettings(), machine.view());
            planning.resolveFiles(common.notes(), root, () -> planning.choose(runtime, machine).platform());
            List<MemoryRange> regions = machine.iomem().crashRegions();
            long reserved = regions.stream().mapToLong(MemoryRange::size).sum();
            // with a reservation, plan the kdump load itself; without one, the same kernel and initrd as a reboot
            planning.crash = !regions.isEmpty();
            HandoffImage image = planning.plan(runtime, machine);
            long loaded = image.segments().stream().mapToLong(Segment::memsz).sum();
            List<IomemEntry> ramRoots = machine.iomem().roots().stream()
                    .filter(r -> r.name().equals("System RAM")).toList();
            // x86 nests the crash region in System RAM; s390 takes it out of memory: count it once either way
            long ram = ramRoots.stream().mapToLong(IomemEntry::size).sum() + regions.stream()
                    .filter(c -> ramRoots.stream().noneMatch(r -> r.start() <= c.start() && c.end() <= r.end()))
                    .mapToLong(MemoryRange::size).sum();
            int cpus = Math.max(1, machine.crashNotes().size());
            boolean oneCpu = ONE_CPU.matcher(image.plan().commandLine()).find();
            long bitmaps = 2 * (ram / 4096 / 8);
            long perCpu = oneCpu ? 0 : (cpus - 1) * PER_CPU;
            e = new Estimate(image.platformId(), image.request().kernel().toString(),
                    image.request().initrd().map(Path::toString).orElse(null), loaded, ram, bitmaps, cpus, oneCpu,
                    perCpu, roundUp(loaded + RUNTIME_BASE + bitmaps + perCpu), reserved);
        }
        if (json) {
            out.print(Json.write(e.json()));
            return 0;
        }
        long need = e.recommended();
        out.printf("kernel:                 %s%n", e.kernel());
        out.printf("initrd:                 %s%n", e.initrd() == null ? "none" : e.initrd());
        out.printf("loaded segments:        %s (kernel at its in-memory size, initrd, purgatory, headers)%n",
                mib(e.loaded()));
        out.printf("runtime base:           %s%n", mib(RUNTIME_BASE));
        out.printf("dump bitmaps:           %s (two bits per page of %s RAM)%n", mib(e.bitmaps()), mib(e.ram()));
        out.printf("further CPUs:           %s (%d CPUs, %s)%n", mib(e.perCpu()), e.cpus(),
                e.oneCpu() ? "the capture runs on one: nr_cpus=1" : "no nr_cpus=1");
        out.printf("recommended:            crashkernel=%dM%n", need / MIB);
        out.printf("current reservation:    %s%n", switch (e.verdict()) {
            case "none" -> "none (add crashkernel=" + need / MIB + "M)";
            case "enough" -> mib(e.reserved()) + ", enough (" + mib(e.reserved() - need) + " to spare)";
            default -> mib(e.reserved()) + ", too small by " + mib(need - e.reserved()) + ": crashkernel="
                    + need / MIB + "M";
        });
        return 0;
    }

    static long roundUp(long bytes) {
        return (bytes + ROUND - 1) / ROUND * ROUND;
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) MIB);
    }
}
