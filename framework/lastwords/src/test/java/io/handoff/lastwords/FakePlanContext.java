package io.handoff.lastwords;

import io.handoff.api.Settings;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.plan.ElfCoreRequest;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A plan context that only knows its machine and request: all last words read. */
record FakePlanContext(Machine machine, PlanRequest request) implements PlanContext {
    static FakePlanContext of(Machine machine, PlanRequest.Mode mode, String commandLine) {
        return new FakePlanContext(machine,
                new PlanRequest(mode, Path.of("/boot/vmlinuz"), Optional.empty(), commandLine, Map.of()));
    }

    @Override
    public Settings settings() {
        throw new UnsupportedOperationException();
    }

    @Override
    public long pageSize() {
        return 4096;
    }

    @Override
    public List<MemoryRange> loadableMemory() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<MemoryRange> crashRegion() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Segment place(String role, SegmentData data, long memsz, Placement placement) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Segment placeAt(String role, SegmentData data, long mem, long memsz) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<MemoryRange> freeHoles() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Segment> segments() {
        throw new UnsupportedOperationException();
    }

    @Override
    public <T> List<T> contributions(Class<T> type) {
        return List.of();
    }

    @Override
    public byte[] elfCoreHeader(ElfCoreRequest request) {
        throw new UnsupportedOperationException();
    }
}
