package io.handoff.core.plan;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.Settings;
import io.handoff.api.machine.Machine;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.Segment;
import io.handoff.api.spi.CrashAssist;
import io.handoff.api.spi.Platform;
import io.handoff.core.config.PurgatorySettings;
import io.handoff.core.digest.SegmentDigest;
import io.handoff.core.digest.SegmentDigester;
import io.handoff.core.load.KexecFlags;
import io.handoff.core.memory.SegmentRules;
import io.handoff.core.purgatory.LinkedPurgatory;
import io.handoff.core.purgatory.PlacedPurgatory;
import io.handoff.core.purgatory.PurgatoryImage;
import io.handoff.core.purgatory.PurgatoryLinker;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a platform, a machine and a request into a {@link HandoffImage}: placement, validation, digests and
 * the purgatory link.
 *
 * <p>The platform places its segments through a fresh {@link PlanSession}, purgatory among them when the
 * platform ships an image (where the platform calls {@code placePurgatory}, else right after it returns);
 * the planner then checks the kexec_load rules on the result independently (sorted, no overlap, inside RAM
 * and the crash region, at most 16), hashes every other segment and writes the step program, those digests
 * included, into the purgatory segment. A platform without an image gets a plan without purgatory, which
 * says so and cannot be loaded.
 */
public final class Planner {
    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);

    private final SegmentDigester digester;
    private final PurgatoryLinker linker;

    /**
     * Create a planner with the default purgatory settings.
     *
     * @param digester hashes segments, in parallel chunks
     */
    public Planner(SegmentDigester digester) {
        this(digester, PurgatorySettings.DEFAULTS);
    }

    /**
     * Create a planner.
     *
     * @param digester hashes segments, in parallel chunks
     * @param purgatory the purgatory budget, iteration cap and assumed digest rate
     */
    public Planner(SegmentDigester digester, PurgatorySettings purgatory) {
        this.digester = digester;
        this.linker = new PurgatoryLinker(digester, purgatory);
    }

    /**
     * Plan a handoff for a loaded platform, with its settings and the contributions offered to it: the one path of
     * the CLI, {@code simulate} and PlatformTestKit.
     *
     * @param platform the platform as the registry loaded it
     * @param machine the machine
     * @param request what was asked
     * @return the image
     */
    public HandoffImage plan(io.handoff.core.plugin.LoadedPlatform platform, Machine machine, PlanRequest request) {
        return plan(platform.platform(), platform.settings(), new Contributions(platform.contributions()), machine,
                request);
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
    public HandoffImage plan(Platform platform, Settings settings, Contributions contributions, Machine machine,
                             PlanRequest request) {
        long started = System.nanoTime();
        Optional<PurgatoryImage> image = platform.purgatoryImage()
                .map(blob -> PurgatoryImage.read(blob, "platform " + platform.id() + " purgatory image",
                        platform.byteOrder()));
        image.ifPresent(i -> checkArch(platform, i));
        Optional<CrashAssist> assist = request.assist().map(id -> assist(platform, contributions, machine, id));
        if (assist.isPresent()) {
            request = withAssistOptions(request, assist.get(), contributions);
        }
        PlanSession session = new PlanSession(platform, machine, request, settings, contributions, image);
        PlatformPlan plan = platform.plan(session);
        session.recordPlatformPlan(plan);
        if (assist.isPresent()) {
            session.recordAssist(assist.get(), assist.get().place(session));
        }
        if (session.hasPurgatoryImage() && session.placedPurgatory().isEmpty()) {
            session.placePurgatory(PurgatoryLinker.DEFAULT_PLACEMENT);
        }
        List<Segment> segments = SegmentRules.validate(session.segments(), session.loadableMemory(),
                session.crashRegion(), platform.layout().pageSize(), platform.layout().maxSegments());
        long placed = System.nanoTime();
        List<SegmentDigest> digests;
        Optional<LinkedPurgatory> linked = Optional.empty();
        Optional<PlacedPurgatory> purgatory = session.placedPurgatory();
        if (purgatory.isPresent()) {
            PurgatoryLinker.AssistSteps assistSteps = session.chosenAssist()
                    .map(a -> new PurgatoryLinker.AssistSteps(a.assist().steps(session, a.plan()),
                            a.assist().fallback(session, a.plan())))
                    .orElse(PurgatoryLinker.AssistSteps.NONE);
            PurgatoryLinker.Result result = linker.link(platform, session, purgatory.get(), segments, assistSteps);
            digests = result.digests();
            linked = Optional.of(result.purgatory());
            if (!result.warnings().isEmpty()) {
                List<String> warnings = new ArrayList<>(plan.warnings());
                warnings.addAll(result.warnings());
                plan = plan.withWarnings(warnings);
            }
        } else {
            digests = digester.digest(segments);
        }
        long hashed = System.nanoTime();
        LOG.debug("planned {} segments in {} ms, hashed and linked in {} ms", segments.size(),
                (placed - started) / 1_000_000, (hashed - placed) / 1_000_000);
        long flags = (platform.kexecArch() & KexecFlags.KEXEC_ARCH_MASK) | (request.crash() ? HandoffImage.KEXEC_ON_CRASH : 0);
        return new HandoffImage(platform.id(), request, plan, segments, digests, flags, session.crashRegion(), linked,
                session.chosenAssist().map(PlanSession.ChosenAssist::plan));
    }

    /** Return the crash assist {@code id} offered to the platform, refusing one it cannot use on this machine. */
    static CrashAssist assist(Platform platform, Contributions contributions, Machine machine, String id) {
        List<CrashAssist> known = contributions.of(CrashAssist.class);
        CrashAssist assist = known.stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow(() ->
                new HandoffException(FailureKind.NOT_AVAILABLE, String.format(
                        "--assist %s: no such crash assist for platform %s; known: %s", id, platform.id(),
                        known.isEmpty() ? "none" : known.stream().map(CrashAssist::id).sorted().toList())));
        assist.unavailable(platform, contributions.all(), Optional.of(machine)).ifPresent(reason -> {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, "--assist " + id + " is not available on platform "
                    + platform.id() + ": " + reason);
        });
        return assist;
    }

    /** Return the request with the platform options the assist needs, refusing a conflicting user option. */
    static PlanRequest withAssistOptions(PlanRequest request, CrashAssist assist, Contributions contributions) {
        if (!request.crash()) {
            throw new HandoffException(FailureKind.USAGE, "--assist " + assist.id()
                    + " is for crash loads (--crash): a kexec reboot has no dump to assist");
        }
        Map<String, String> options = new LinkedHashMap<>(request.options());
        assist.platformOptions(contributions.all()).forEach((key, value) -> {
            String given = options.putIfAbsent(key, value);
            if (given != null && !given.equals(value)) {
                throw new HandoffException(FailureKind.CONFIGURATION, String.format(
                        "-O %s=%s conflicts with --assist %s, which needs %s=%s", key, given, assist.id(), key, value));
            }
        });
        return request.withOptions(options);
    }

    private static void checkArch(Platform platform, PurgatoryImage image) {
        if (platform.elfMachine() != 0 && image.arch() != platform.elfMachine()) {
            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, String.format(
                    "platform %s purgatory image: purgatory header offset 0x1c: arch %d, expected %d (e_machine of %s)",
                    platform.id(), image.arch(), platform.elfMachine(), platform.id()));
        }
    }
}
