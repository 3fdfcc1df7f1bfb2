package io.handoff.lastwords;

import io.handoff.api.machine.PrstatusLayout;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.spi.Platform;
import io.handoff.api.support.ElfIdent;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What last words need to know of the target: its ELF machine, byte order (byte payloads are packed into u64
 * operands in the target's order) and where its NT_PRSTATUS note keeps a CPU's instruction pointer.
 *
 * <p>A step contributor sees the plan, not the platform ({@code PurgatoryStepContributor.steps(PlanContext)}):
 * {@link #of(PlanContext)} reads these facts from the plan, which has them from its platform. {@link #fromKcore}
 * reads the first two from the ELF header of the machine's {@code /proc/kcore} (the running kernel's own
 * description, captured in every profile), for contexts that do not know their platform; the NT_PRSTATUS layout
 * is then unknown. {@link #of(Platform)} is the direct way when the platform is at hand.
 *
 * @param elfMachine the ELF {@code e_machine}
 * @param byteOrder the target's byte order
 * @param prstatus the platform's NT_PRSTATUS layout, when declared ({@link Platform#prstatusLayout()})
 * @since 0.1
 */
public record Target(int elfMachine, ByteOrder byteOrder, Optional<PrstatusLayout> prstatus) {
    private static final String KCORE = "/proc/kcore";

    /** Check the fields. */
    public Target {
        Objects.requireNonNull(byteOrder, "byteOrder");
        Objects.requireNonNull(prstatus, "prstatus");
    }

    /** Return a target whose NT_PRSTATUS layout is not known. */
    public Target(int elfMachine, ByteOrder byteOrder) {
        this(elfMachine, byteOrder, Optional.empty());
    }

    /** Return the platform's target. */
    public static Target of(Platform platform) {
        return new Target(platform.elfMachine(), platform.byteOrder(), platform.prstatusLayout());
    }

    /**
     * Return the plan's target, when the plan knows it ({@link PlanContext#elfMachine()},
     * {@link PlanContext#byteOrder()} and {@link PlanContext#prstatusLayout()}).
     *
     * @param context the plan
     * @return the target, or empty for a context that does not say
     */
    public static Optional<Target> of(PlanContext context) {
        if (context.elfMachine().isEmpty() || context.byteOrder().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Target(context.elfMachine().getAsInt(), context.byteOrder().get(),
                context.prstatusLayout()));
    }
    /**
     * Read the target from the ELF header of {@code /proc/kcore} ({@code EI_DATA} and {@code e_machine}).
     *
     * @param view the machine's files
     * @return the target, or empty when the file is absent, unreadable or not an ELF file
     */
    public static Optional<Target> fromKcore(SystemView view) {
        return ElfIdent.read(view, KCORE).map(id -> new Target(id.machine(), id.byteOrder()));
    }

    /** Return the offset of the instruction pointer in an NT_PRSTATUS descriptor, if known for this target. */
    public OptionalLong instructionPointerOffset() {
        return prstatus.map(p -> OptionalLong.of(p.instructionPointerOffset())).orElse(OptionalLong.empty());
    }
}
