package io.handoff.testkit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a purgatory run on the reference machine ended: what the next kernel (or the firmware) would see.
 *
 * @since 0.1
 */
public sealed interface Handoff {
    /** The x86_64 register names of a {@code jump-x86_64} step, in operand order (FORMAT.md §3). */
    List<String> X86_64_REGISTERS = List.of("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8", "r9",
            "r10", "r11", "r12", "r13", "r14", "r15", "rip");

    /** Return one line describing the ending, for traces. */
    String describe();

    /**
     * The CPU jumped into the next kernel.
     *
     * @param entry the address jumped to (x86_64: {@code rip})
     * @param registers the registers at the jump, by name, in operand order
     */
    record Jumped(long entry, Map<String, Long> registers) implements Handoff {
        public Jumped {
            registers = Collections.unmodifiableMap(new LinkedHashMap<>(registers));
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
            Long rsi = registers.get("rsi");
            return String.format("jumped to %#x", entry) + (rsi == null ? "" : String.format(" with rsi=%#x", rsi));
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
