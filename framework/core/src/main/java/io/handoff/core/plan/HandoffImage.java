package io.handoff.core.plan;

import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.Segment;
import io.handoff.core.digest.SegmentDigest;
import io.handoff.core.purgatory.LinkedPurgatory;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A complete plan: what would be handed to {@code kexec_load}, with the digests purgatory will check.
 *
 * @param platformId the platform that planned it
 * @param request what was asked
 * @param plan the platform's entry, registers, command line and facts
 * @param segments the segments sorted by address, at most 16
 * @param digests one per segment, same order
 * @param kexecFlags the {@code kexec_load} flags: KEXEC_ON_CRASH and the architecture in the high 16 bits
 * @param crashRegion the crash region loaded into, for kdump
 * @param linkedPurgatory the purgatory linked into the plan, empty when the platform ships no purgatory image
 * @param assist what the crash assist asked for planned, empty without one
 */
public record HandoffImage(String platformId, PlanRequest request, PlatformPlan plan, List<Segment> segments,
                           List<SegmentDigest> digests, long kexecFlags,
                           Optional<io.handoff.api.machine.MemoryRange> crashRegion,
                           Optional<LinkedPurgatory> linkedPurgatory,
                           Optional<io.handoff.api.plan.AssistPlan> assist) {
    /** kexec_load flag: load the image to run on panic. */
    public static final long KEXEC_ON_CRASH = 0x1;

    public HandoffImage {
        Objects.requireNonNull(platformId, "platformId");
        segments = List.copyOf(segments);
        digests = List.copyOf(digests);
        Objects.requireNonNull(linkedPurgatory, "linkedPurgatory");
        Objects.requireNonNull(assist, "assist");
    }

    /** Create a plan without a crash assist. */
    public HandoffImage(String platformId, PlanRequest request, PlatformPlan plan, List<Segment> segments,
                        List<SegmentDigest> digests, long kexecFlags,
                        Optional<io.handoff.api.machine.MemoryRange> crashRegion,
                        Optional<LinkedPurgatory> linkedPurgatory) {
        this(platformId, request, plan, segments, digests, kexecFlags, crashRegion, linkedPurgatory, Optional.empty());
    }

    /** Return whether a purgatory image is linked. */
    public boolean purgatory() {
        return linkedPurgatory.isPresent();
    }

    /** Return the entry point handed to kexec_load: purgatory's entry when linked, else the platform's. */
    public long entry() {
        return linkedPurgatory.map(LinkedPurgatory::entry).orElse(plan.entry());
    }
}
