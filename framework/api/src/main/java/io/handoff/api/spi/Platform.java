package io.handoff.api.spi;

import io.handoff.api.Capabilities;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.ImageFormat;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.LayoutConstraints;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlatformPlan;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * A machine architecture handoff can load a kernel on: the one extension point every platform plugin implements.
 *
 * <p>Like JUnit's {@code TestEngine}, the contract is an id and two operations, {@link #detect} and
 * {@link #plan}; everything else has a default. Ids are unique across loaded plugins and the ids
 * {@code x86_64}, {@code s390x}, {@code ia64} and {@code efi} are reserved for the built-in platforms.
 *
 * @since 0.1
 */
public interface Platform extends ExtensionPoint {
    /** Return the platform id, such as {@code x86_64}; unique among loaded plugins. */
    String id();

    /**
     * Tell whether the machine seen through this view is one this platform can plan for.
     *
     * @param view the machine's files, never {@code null}
     * @return whether this platform applies
     */
    boolean detect(SystemView view);

    /**
     * Place the kernel, initrd and boot data for the request through the context, and describe the entry.
     *
     * <p>Kdump plans also build the capture kernel's memory map and ELF core header. Bad input fails with
     * a {@link HandoffException} of the matching {@link FailureKind}; nothing is placed half-way visible
     * to the user because the framework discards the context on failure.
     *
     * @param context the planner, never {@code null}
     * @return the entry, registers and final command line
     */
    PlatformPlan plan(PlanContext context);

    /** Return the kernel image formats accepted, for {@code handoff platforms}. */
    default List<ImageFormat> imageFormats() {
        return List.of();
    }

    /** Return the ELF machine number ({@code e_machine}); also the kexec_load arch id when shifted left 16. */
    default int elfMachine() {
        return 0;
    }

    /** Return the target's byte order (purgatory parameters and ELF core headers use it). */
    default ByteOrder byteOrder() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    /** Return the layout rules of this platform's segments. */
    default LayoutConstraints layout() {
        return LayoutConstraints.KEXEC_DEFAULTS;
    }

    /**
     * Return what this platform's purgatory can do, such as {@link Capabilities#PORT_IO}.
     *
     * <p>Shared contributions (the last-words module) decide from these whether they apply.
     */
    default Set<String> capabilities() {
        return Set.of();
    }

    /**
     * Return this platform's purgatory image: the flat blob of {@code framework/purgatory/FORMAT.md} (header
     * "HOPG", version 1), typically read from a resource the plugin ships such as {@code /purgatory/x86_64.bin}.
     *
     * <p>The framework checks the header, places a copy as the {@code purgatory} segment (see
     * {@link PlanContext#placePurgatory}), writes the step program into its parameter area and enters the
     * image at its entry point. Empty (the default) means the platform has none: plans then have no
     * purgatory segment, say so, and cannot be loaded.
     *
     * @return a fresh copy of the blob's bytes, or empty
     * @throws HandoffException {@code UNREADABLE_FILE} when the plugin's resource exists but cannot be read
     */
    default Optional<byte[]> purgatoryImage() {
        return Optional.empty();
    }

    /**
     * Return this platform's architecture step kinds (a jump with its registers, a PSW load, a firmware call) and
     * the code ranges they come from; its purgatory sources implement them. None by default.
     */
    default ArchitectureSteps architectureSteps() {
        return ArchitectureSteps.NONE;
    }

    /**
     * Return how this platform's architecture behaves on the reference machine ({@code handoff simulate},
     * PlatformTestKit): its host library and its answers to architecture operations. Empty by default: the
     * machine then runs the framework's library, where every architecture step fails as unknown.
     */
    default Optional<ArchitectureSimulator> simulator() {
        return Optional.empty();
    }

    /** Return a one-line description for {@code handoff platforms}. */
    default String description() {
        return id();
    }
}
