package io.handoff.simulator;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a purgatory run on the reference machine ended: what the next kernel (or the firmware) would see.
 *
 * @since 0.1
 */
public sealed interface Handoff {

    /** Return one line describing the ending, for traces. */
    String describe();

    /**
     * The CPU jumped into the next kernel.
     *
     * @param entry the address jumped to (x86_64: {@code rip})
     * @param registers the registers at the jump, by name, in operand order
     */
    record Jumped(long entry, Map<String, Long> registers, String description) implements Handoff {
        public Jumped {
            registers = Collections.unmodifiableMap(new LinkedHashMap<>(registers));
            Objects.requireNonNull(description, "description");
        }

        /** Create a jump described by its entry alone. */
        public Jumped(long entry, Map<String, Long> registers) {
            this(entry, registers, String.format("jumped to %#x", entry));
        }

        /** Return a register's value; fails for a register the jump did not set. */
        public long register(String name) {
            Long v = registers.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no register " + name + " in " + registers.keySet());
            }
            return v;
        }

        @Override
        public String describe() {
            return description;
        }
    }

    /**
     * The CPU stopped ({@code cli; hlt} on x86, a disabled wait on s390).
     *
     * @param reason the reason code the program gave
     */
    record Halted(long reason) implements Handoff {
        @Override
        public String describe() {
            return "halted with reason " + reason;
        }
    }

    /**
     * The CPU left purgatory through an architecture step that enters no kernel (a disabled wait, a re-IPL of a
     * dump tool): what the platform's simulator reported.
     *
     * @param stepKind the code of the step kind that ended the run
     * @param code the number the ending carries (a wait code), else 0
     * @param data the bytes it carries (an IPL parameter block), else empty
     * @param description one line, such as {@code "stopped in a disabled wait with code 0x48460001"}
     */
    record Stopped(int stepKind, long code, byte[] data, String description) implements Handoff {
        public Stopped {
            data = data.clone();
            Objects.requireNonNull(description, "description");
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Stopped x && stepKind == x.stepKind && code == x.code && Arrays.equals(data, x.data)
                    && description.equals(x.description);
        }

        @Override
        public int hashCode() {
            return Objects.hash(stepKind, code, description) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Stopped[" + stepKind + ", " + description + "]";
        }

        @Override
        public String describe() {
            return description;
        }
    }

    /**
     * The s390 kernel's checksum probe (purgatory entered with r2 = 0) reported the capture kernel corrupted, so the
     * kernel never entered purgatory for real: it goes on with its panic and its {@code on_panic} shutdown action.
     *
     * @param result the probe's result (1 mismatch, 2 no digest step, negative: the area was refused)
     * @param onPanic the machine's {@code on_panic} action, when the profile says
     */
    record ProbeFailed(int result, Optional<String> onPanic) implements Handoff {
        public ProbeFailed {
            Objects.requireNonNull(onPanic, "onPanic");
        }

        @Override
        public String describe() {
            return "the crashed kernel's probe of purgatory returned " + result + ": the capture kernel is not "
                    + "started; the kernel continues its panic" + onPanic.map(a -> " (" + a + ")").orElse("");
        }
    }

    /**
     * The CPU reset the machine.
     *
     * @param method 1 = keyboard controller (0x64 ← 0xFE), 2 = port 0xCF9 ← 0x06
     */
    record Reset(long method) implements Handoff {
        @Override
        public String describe() {
            return "reset the machine (method " + method + (method == 1 ? ", keyboard controller)"
                    : method == 2 ? ", port 0xcf9)" : ")");
        }
    }

    /**
     * The UEFI firmware reset (or powered off) the machine when purgatory called ResetSystem.
     *
     * @param description one line, such as {@code "EFI ResetSystem(EfiResetWarm): the firmware resets the machine;
     *     BootNext=0x0011: it boots Boot0011 next"}
     */
    record FirmwareReset(String description) implements Handoff {
        public FirmwareReset {
            Objects.requireNonNull(description, "description");
        }

        @Override
        public String describe() {
            return description;
        }
    }

    /**
     * A firmware call never returned: the CPU stays in the firmware until something outside resets the machine.
     *
     * @param description where it hangs, such as {@code "EFI SetVariable never returned: ..."}
     * @param budget the program's worst-case budget, how long the run was allowed to take
     */
    record Hung(String description, java.time.Duration budget) implements Handoff {
        public Hung {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(budget, "budget");
        }

        @Override
        public String describe() {
            return "hung: " + description;
        }
    }

    /**
     * Nothing ran: the runtime refused the parameter area, or the planner refused the plan.
     *
     * @param code negative: the runtime's status (-1 bad magic, -2 bad version, -3 malformed program);
     *     positive: the planner's {@link io.handoff.api.FailureKind} exit code
     * @param reason one line saying why
     */
    record Refused(int code, String reason) implements Handoff {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String describe() {
            return "refused (" + code + "): " + reason;
        }
    }
}
