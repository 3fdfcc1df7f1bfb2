package io.handoff.testkit;

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
    /** The x86_64 register names of a {@code jump-x86_64} step, in operand order (FORMAT.md §3). */
    List<String> X86_64_REGISTERS = List.of("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8", "r9",
            "r10", "r11", "r12", "r13", "r14", "r15", "rip");

    /** The register name of the PSW mask in an s390 {@link Jumped} (a {@code load-psw} step). */
    String PSW_MASK = "psw_mask";
    /** The register name of the PSW address in an s390 {@link Jumped}. */
    String PSW_ADDR = "psw_addr";

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
            Long mask = registers.get(PSW_MASK);
            if (mask != null) {
                return String.format("loaded the PSW %#018x %#x", mask, entry);
            }
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
     * An s390 CPU stopped in a disabled wait: the operator sees the code as the wait PSW's address.
     *
     * @param code the code the program gave (FORMAT.md §8)
     */
    record DisabledWait(long code) implements Handoff {
        @Override
        public String describe() {
            return String.format("stopped in a disabled wait with code %#x", code);
        }
    }

    /**
     * An s390 machine re-IPLed its stand-alone dump tool (diag 308 SET, then LOAD_NORMAL_DUMP).
     *
     * @param block the IPL parameter block purgatory set, as bytes
     * @param device the block decoded, one line
     */
    record DumpReipl(byte[] block, String device) implements Handoff {
        public DumpReipl {
            block = block.clone();
            Objects.requireNonNull(device, "device");
        }

        @Override
        public byte[] block() {
            return block.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DumpReipl d && Arrays.equals(block, d.block) && device.equals(d.device);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(block) * 31 + device.hashCode();
        }

        @Override
        public String toString() {
            return "DumpReipl[" + device + "]";
        }

        @Override
        public String describe() {
            return "re-IPLed the dump tool (diag 308): " + device;
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
            return "the kernel's checksum probe (r2 = 0) returned " + result + ": the capture kernel is not started; "
                    + "the kernel continues its panic with the on_panic action" + onPanic.map(a -> " (" + a + ")")
                    .orElse("");
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
