package io.handoff.simulator;

import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.Segment;
import io.handoff.core.plan.HandoffImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Hand-made {@link HandoffImage}s for tests (the one place that calls its constructor).
 */
final class Images {
    private Images() {
    }

    static HandoffImage of(String platform, long entry, List<Segment> segments) {
        PlanRequest request = new PlanRequest(PlanRequest.Mode.KDUMP, Path.of("vmlinuz"), Optional.empty(), "", Map.of());
        return new HandoffImage(platform, request, new PlatformPlan(entry, Map.of(), "", Map.of(), List.of()),
                segments, List.of(), 0x3E0001, Optional.empty(), Optional.empty());
    }
}
