package io.handoff.lastwords;

import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.spi.Platform;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What last words need to know of the target: its ELF machine (for the NT_PRSTATUS layout) and byte order
 * (byte payloads are packed into u64 operands in the target's order).
 *
 * <p>A step contributor sees the plan, not the platform ({@code PurgatoryStepContributor.steps(PlanContext)}):
 * {@link #of(PlanContext)} reads both facts from the plan, which has them from its platform. {@link #fromKcore}
 * reads them from the ELF header of the machine's {@code /proc/kcore} (the running kernel's own description,
 * captured in every profile), for contexts that do not know their platform; {@link #of(Platform)} is the
 * direct way when the platform is at hand.
 *
 * @param elfMachine the ELF {@code e_machine} (62 = x86_64)
 * @param byteOrder the target's byte order
 * @since 0.1
 */
public record Target(int elfMachine, ByteOrder byteOrder) {
    /** ELF machine number of x86_64. */
    public static final int EM_X86_64 = 62;

    /**
     * The byte offset of the instruction pointer inside an NT_PRSTATUS descriptor, by ELF machine.
     *
     * <p>x86_64: {@code struct elf_prstatus} has 0x70 bytes before {@code pr_reg}, and {@code rip} is the 17th
     * register of {@code user_regs_struct} (r15 … orig_ax, then rip): 0x70 + 16 × 8 = 0xF0. Kept here, not in
     * the platform API, because only last words read it; a platform that gains port I/O adds its entry.
     */
    private static final Map<Integer, Long> RIP_OFFSETS = Map.of(EM_X86_64, 0xF0L);
    private static final String KCORE = "/proc/kcore";

    /** Check the fields. */
    public Target {
        Objects.requireNonNull(byteOrder, "byteOrder");
    }

    /** Return the platform's target. */
    public static Target of(Platform platform) {
        return new Target(platform.elfMachine(), platform.byteOrder());
    }

    /**
     * Return the plan's target, when the plan knows it ({@link PlanContext#elfMachine()} and
     * {@link PlanContext#byteOrder()}).
     *
     * @param context the plan
     * @return the target, or empty for a context that does not say
     */
    public static Optional<Target> of(PlanContext context) {
        if (context.elfMachine().isEmpty() || context.byteOrder().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Target(context.elfMachine().getAsInt(), context.byteOrder().get()));
    }

    /**
     * Read the target from the ELF header of {@code /proc/kcore} ({@code EI_DATA} and {@code e_machine}).
     *
     * @param view the machine's files
     * @return the target, or empty when the file is absent, unreadable or not an ELF file
     */
    public static Optional<Target> fromKcore(SystemView view) {
        byte[] h;
        try {
            if (!view.exists(KCORE)) {
                return Optional.empty();
            }
            h = view.readBytes(KCORE, 20);
        } catch (HandoffException e) {
            return Optional.empty();
        }
        if (h.length < 20 || h[0] != 0x7F || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
            return Optional.empty();
        }
        ByteOrder order;
        if (h[5] == 1) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (h[5] == 2) {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            return Optional.empty();
        }
        int machine = order == ByteOrder.LITTLE_ENDIAN ? (h[18] & 0xFF) | (h[19] & 0xFF) << 8
                : (h[18] & 0xFF) << 8 | (h[19] & 0xFF);
        return Optional.of(new Target(machine, order));
    }

    /** Return the offset of the instruction pointer in an NT_PRSTATUS descriptor, if known for this machine. */
    public OptionalLong ripOffset() {
        Long offset = RIP_OFFSETS.get(elfMachine);
        return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
    }
}
