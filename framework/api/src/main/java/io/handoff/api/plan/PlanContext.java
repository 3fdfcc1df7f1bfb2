package io.handoff.api.plan;

import io.handoff.api.Settings;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.PrstatusLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The planner as a platform sees it: the machine, the request, and segment placement with kexec-tools rules.
 *
 * <p>This is the counterpart of kexec-tools' {@code struct kexec_info}. Placement rounds {@code memsz} up
 * to pages, raises alignment to the page size, searches the free holes (RAM minus placed segments,
 * clipped to the crash region for a kdump load) bottom-up or top-down, and refuses a 17th segment.
 * A segment that does not fit fails with {@code DOES_NOT_FIT} and a message listing the free holes.
 *
 * @since 0.1
 */
public interface PlanContext {
    /** Return the machine being planned for. */
    Machine machine();

    /** Return what the user asked for. */
    PlanRequest request();

    /**
     * Return the id of the platform this plan is for, so that shared contributions (offered to every platform)
     * can tell which one is planning.
     *
     * <p>The default returns empty, for test doubles; the framework's context always knows it.
     *
     * @since 0.1
     */
    default Optional<String> platformId() {
        return Optional.empty();
    }

    /**
     * Return the target's ELF {@code e_machine} as its platform declares it (62 = x86_64); empty when unknown.
     *
     * @since 0.1
     */
    default OptionalInt elfMachine() {
        return OptionalInt.empty();
    }

    /**
     * Return the target's byte order as its platform declares it; empty when unknown.
     *
     * @since 0.1
     */
    default Optional<ByteOrder> byteOrder() {
        return Optional.empty();
    }

    /**
     * Return the platform's NT_PRSTATUS layout ({@link io.handoff.api.spi.Platform#prstatusLayout()}); empty when
     * unknown.
     *
     * @since 0.2
     */
    default Optional<PrstatusLayout> prstatusLayout() {
        return Optional.empty();
    }

    /**
     * Return what the platform handed back from {@code plan}, once it has: step contributors, which run after it,
     * take the terminal step and the memory moves from here instead of deriving them again.
     *
     * <p>The default returns empty, for test doubles; the framework's context has it while the purgatory program is
     * built.
     *
     * @since 0.2
     */
    default Optional<PlatformPlan> platformPlan() {
        return Optional.empty();
    }

    /** Return this platform's validated settings ({@code handoff.platforms.<id>}). */
    Settings settings();

    /** Return the page size of the target (4096 on all current platforms). */
    long pageSize();

    /** Return the RAM ranges segments may be placed in (merged; for kdump, only the crash region). */
    List<MemoryRange> loadableMemory();

    /** Return the crash region loads go into: the highest {@code Crash kernel} region; empty for kexec. */
    Optional<MemoryRange> crashRegion();

    /**
     * Place a segment in a free hole and record it; return it with its address.
     *
     * <p>The bytes of a {@link SegmentData.Bytes} segment may still be completed until {@code plan} returns
     * (boot data that must point at segments placed later, as kexec-tools fills its zero page last): the
     * planner reads and hashes segment data only after the platform is done.
     */
    Segment place(String role, SegmentData data, long memsz, Placement placement);

    /** Record a segment at a fixed address (s390 loads at fixed offsets); it must be free and loadable. */
    Segment placeAt(String role, SegmentData data, long mem, long memsz);

    /**
     * Place the platform's purgatory image now, so that segments placed later see it, as kexec-tools places
     * purgatory after the kdump backup and ELF core header and before the boot data and the kernel.
     *
     * <p>The segment's role is {@code purgatory}, its data a copy of {@link
     * io.handoff.api.spi.Platform#purgatoryImage()} with the parameter area still empty (the framework
     * fills it in after the platform returns: the step program holds the digests of every other segment),
     * its memsz the image's {@code image_size}. The alignment is raised to the page size. A platform that
     * never calls this gets purgatory placed after {@code plan} returns, page aligned, at or above
     * {@code 0x3000}, top-down (kexec-tools' rule). Calling it twice is a platform bug.
     *
     * <p>The default returns empty, for test doubles; the framework's context always implements it.
     *
     * @param placement where the image may go
     * @return the placed segment, or empty when the platform ships no purgatory image
     * @since 0.1
     */
    default Optional<Segment> placePurgatory(Placement placement) {
        return Optional.empty();
    }

    /** Return the free holes (loadable memory minus placed segments) as they are now. */
    List<MemoryRange> freeHoles();

    /** Return the segments placed so far, sorted by address. */
    List<Segment> segments();

    /**
     * Return the contributions of a type that apply to this platform: its own plugin's and the shared ones.
     *
     * @param type a contribution SPI ({@code io.handoff.api.spi.Contribution} subtype) such as
     *     {@code MemoryMapPassing}
     * @return the contributions, in a stable order (by id)
     */
    <T> List<T> contributions(Class<T> type);

    /** Build an ELF64 core header as kexec-tools' {@code crash_create_elf64_headers} does. */
    byte[] elfCoreHeader(ElfCoreRequest request);
}
