package io.handoff.api.spi;

import io.handoff.api.BundledProfile;
import io.handoff.api.Capabilities;
import io.handoff.api.DebianKernel;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.ImageFormat;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.LayoutConstraints;
import io.handoff.api.SyscallNumbers;
import io.handoff.api.machine.PrstatusLayout;
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

    /** How many bytes from the start of a kernel file {@link #describeImage} is given (or the whole file if shorter). */
    int DESCRIBE_IMAGE_BYTES = 0x11000;

    /**
     * Recognise a file of one of this platform's kernel formats from its first bytes, so that a kernel given to
     * another platform is named ("an x86 bzImage") instead of failing that platform's checks in its own terms.
     *
     * <p>A cheap look at magic numbers, not a validation: the platform's own parser still judges its images.
     *
     * @param head the file's first {@link #DESCRIBE_IMAGE_BYTES} bytes, fewer when the file is shorter
     * @return what the file is, as a noun phrase with its article; empty (the default) when none of this platform's
     */
    default Optional<String> describeImage(byte[] head) {
        return Optional.empty();
    }

    /** Return the ELF machine number ({@code e_machine}); {@link #kexecArch()} derives the kexec_load arch from it. */
    default int elfMachine() {
        return 0;
    }

    /**
     * Return the architecture bits of {@code kexec_load}'s flags ({@code KEXEC_ARCH_*}): {@code elfMachine() << 16}.
     *
     * <p>Loads take them from the plan's platform; an unload takes them from the platform the host runs natively
     * (see {@link #hostArchitectures()}), since the running kernel refuses any other.
     */
    default int kexecArch() {
        return elfMachine() << 16;
    }

    /**
     * Return the JVM {@code os.arch} values of the hosts this platform runs on natively, such as {@code amd64}.
     *
     * <p>On such a host the framework makes the kexec calls with this platform's {@link #syscallNumbers()} and
     * {@link #kexecArch()}, and takes a default kernel from the host's {@code /boot}. Empty (the default) means the
     * platform is only planned and simulated, never loaded from a host of its own.
     */
    default Set<String> hostArchitectures() {
        return Set.of();
    }

    /**
     * Return the kexec syscall numbers on this platform's native hosts; empty (the default) when it has none.
     *
     * <p>A platform with {@link #hostArchitectures()} declares them, or handoff cannot load on those hosts.
     */
    default Optional<SyscallNumbers> syscallNumbers() {
        return Optional.empty();
    }

    /**
     * Return the machine paths, files or directories, that {@code handoff capture} copies for this platform.
     *
     * <p>These come on top of what the framework's planner reads (iomem, crash notes, vmcoreinfo …): the files this
     * platform's {@link #detect} and {@link #plan} read that no other part does, such as s390's
     * {@code /sys/firmware/dump}. Directories are copied recursively without following links; absent paths are
     * skipped. Capture copies the union over all loaded platforms, since it runs before any is chosen.
     */
    default List<String> captureFiles() {
        return List.of();
    }

    /**
     * Return the machine profiles the distribution or this platform's plugin jar ships for it; the first is its
     * default.
     *
     * <p>{@code handoff simulate --platform ID} without {@code --root} runs on the first. Empty (the default)
     * means the platform ships none, and {@code simulate} then needs {@code --root}. A profile the distribution
     * lacks is read from the plugin jar's {@code profiles/NAME/} (the plugin's {@code src/main/profiles/NAME}).
     */
    default List<BundledProfile> bundledProfiles() {
        return List.of();
    }

    /**
     * Return the Debian kernel package that provides a kernel for this platform when none is given.
     *
     * <p>{@code handoff simulate} and {@code handoff plan} without {@code --kernel} take the newest
     * {@code /boot/vmlinuz-*} when the host runs this platform natively (see {@link #hostArchitectures()}), else
     * this package, downloaded once, else the newest {@code vmlinux*} or {@code vmlinuz*} in the machine profile's
     * {@code boot/}. Empty (the default) means {@code --kernel} is needed off such a host unless the profile
     * carries a kernel.
     */
    default Optional<DebianKernel> debianKernel() {
        return Optional.empty();
    }

    /**
     * Return where this platform's kernel saves a crashed CPU's pid and instruction pointer in its NT_PRSTATUS
     * note; empty (the default) when not declared, and last words then leave the CPUs' instruction pointers out.
     *
     * @since 0.2
     */
    default Optional<PrstatusLayout> prstatusLayout() {
        return Optional.empty();
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
