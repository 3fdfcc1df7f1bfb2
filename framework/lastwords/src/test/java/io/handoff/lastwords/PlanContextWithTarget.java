package io.handoff.lastwords;

import io.handoff.api.Settings;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.PrstatusLayout;
import io.handoff.api.plan.ElfCoreRequest;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** A plan context that names its target, as the framework's does; everything else is the wrapped context's. */
record PlanContextWithTarget(PlanContext inner, int machineNumber, ByteOrder order, Optional<PrstatusLayout> layout)
        implements PlanContext {
    /** A context whose platform declares no NT_PRSTATUS layout. */
    PlanContextWithTarget(PlanContext inner, int machineNumber, ByteOrder order) {
        this(inner, machineNumber, order, Optional.empty());
    }

    @Override
    public Optional<PrstatusLayout> prstatusLayout() {
        return layout;
    }

    @Override
    public Optional<String> platformId() {
        return Optional.of("fake");
    }

    @Override
    public OptionalInt elfMachine() {
        return OptionalInt.of(machineNumber);
    }

    @Override
    public Optional<ByteOrder> byteOrder() {
        return Optional.of(order);
    }

    @Override
    public Machine machine() {
        return inner.machine();
    }

    @Override
    public PlanRequest request() {
        return inner.request();
    }

    @Override
    public Settings settings() {
        return inner.settings();
    }

    @Override
    public long pageSize() {
        return inner.pageSize();
    }

    @Override
    public List<MemoryRange> loadableMemory() {
        return inner.loadableMemory();
    }

    @Override
    public Optional<MemoryRange> crashRegion() {
        return inner.crashRegion();
    }

    @Override
    public Segment place(String role, SegmentData data, long memsz, Placement placement) {
        return inner.place(role, data, memsz, placement);
    }

    @Override
    public Segment placeAt(String role, SegmentData data, long mem, long memsz) {
        return inner.placeAt(role, data, mem, memsz);
    }

    @Override
    public List<MemoryRange> freeHoles() {
        return inner.freeHoles();
    }

    @Override
    public List<Segment> segments() {
        return inner.segments();
    }

    @Override
    public <T> List<T> contributions(Class<T> type) {
        return inner.contributions(type);
    }

    @Override
    public byte[] elfCoreHeader(ElfCoreRequest request) {
        return inner.elfCoreHeader(request);
    }
}
