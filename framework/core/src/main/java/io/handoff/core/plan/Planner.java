package io.handoff.core.plan;

import io.handoff.api.spi.Platform;
import io.handoff.api.Settings;
import io.handoff.api.machine.Machine;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.Segment;
import io.handoff.core.digest.SegmentDigest;
import io.handoff.core.digest.SegmentDigester;
import io.handoff.core.memory.SegmentRules;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a platform, a machine and a request into a {@link HandoffImage}: placement, validation, digests.
 *
 * <p>The platform places its segments through a fresh {@link PlanSession}; the planner then checks the
 * kexec_load rules on the result independently (sorted, no overlap, inside RAM and the crash region, at
 * most 16) and hashes every segment.
 */
public final class Planner {
    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);

    private final SegmentDigester digester;

    /**
     * Create a planner.
     *
     * @param digester hashes segments, in parallel chunks
     */
    public Planner(SegmentDigester digester) {
        this.digester = digester;
    }

    /**
     * Plan a handoff.
     *
     * @param platform the platform
     * @param settings its settings
     * @param contributions its contributions by type
     * @param machine the machine
     * @param request what was asked
     * @return the image
     */
    public HandoffImage plan(Platform platform, Settings settings,
                             Function<Class<?>, List<?>> contributions,
                             Machine machine, PlanRequest request) {
        long started = System.nanoTime();
        PlanSession session = new PlanSession(machine, request, settings, platform.layout(), contributions);
        PlatformPlan plan = platform.plan(session);
        List<Segment> segments = SegmentRules.validate(session.segments(), session.loadableMemory(),
                session.crashRegion(), platform.layout().pageSize(), platform.layout().maxSegments());
        long placed = System.nanoTime();
        List<SegmentDigest> digests = digester.digest(segments);
        long hashed = System.nanoTime();
        LOG.debug("planned {} segments in {} ms, hashed in {} ms", segments.size(), (placed - started) / 1_000_000,
                (hashed - placed) / 1_000_000);
        long flags = ((long) platform.elfMachine() << 16) | (request.crash() ? HandoffImage.KEXEC_ON_CRASH : 0);
        return new HandoffImage(platform.id(), request, plan, segments, digests, flags, session.crashRegion(), false);
    }
}
