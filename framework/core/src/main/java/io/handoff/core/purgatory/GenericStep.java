package io.handoff.core.purgatory;

import java.util.Arrays;
import java.util.Optional;

/**
 * The generic step kinds of {@code FORMAT.md} §3, the runtime's own: the {@code PurgatoryStep.kind()} string, the
 * number the runtime reads, and how many u64 operands a step of that kind carries (-1: variable, built by the
 * encoder). Every other kind is a platform's ({@link io.handoff.api.arch.StepKindDeclaration}).
 *
 * @since 0.1
 */
public enum GenericStep {
    /** Initialise the 16550 UART: port base, baud divisor. */
    CONSOLE("console", 1, 2),
    /** Print a line on the console; the text is the step's description. */
    PRINT("print", 2, -1),
    /** Check the SHA-256 of each chunk of every other segment and that each zero tail reads as zero. */
    VERIFY_DIGESTS("verify-digests", 3, -1),
    /** Copy memory: src, dst, length. */
    COPY("copy", 4, 3),
    /** Swap memory: a, b, length. */
    SWAP("swap", 5, 3),
    /** Where the CMOS RTC is: index port, data port. */
    RTC("rtc", 6, 2),
    /**
     * One IPMI request over KCS (FORMAT.md §7): the five transport operands, then the request and its label
     * as byte payloads (a length, then the bytes packed 8 per u64 in the target's order).
     */
    IPMI_REQUEST("ipmi-request", 7, -1),
    /**
     * Each CPU's instruction pointer from its NT_PRSTATUS, to the console and/or the SEL (FORMAT.md §7): the
     * five transport operands, flags, instruction pointer offset, CPU count C, then C × (crash_notes address, size).
     */
    CPU_IP_RECORDS("cpu-ip-records", 8, -1),
    /** Write bytes carried in the step to physical memory: address, then a byte payload (a crash marker). */
    WRITE("write", 9, -1),
    /** Stop the CPU: reason code. */
    HALT("halt", 17, 1),
    /** Reset the machine: method. */
    RESET("reset", 18, 1);

    private final String id;
    private final int code;
    private final int operandCount;

    GenericStep(String id, int code, int operandCount) {
        this.id = id;
        this.code = code;
        this.operandCount = operandCount;
    }

    /** Return the kind as {@code PurgatoryStep.kind()} spells it, such as {@code verify-digests}. */
    public String id() {
        return id;
    }

    /** Return the number the runtime reads. */
    public int code() {
        return code;
    }

    /** Return the number of u64 operands a step carries, or -1 when the encoder builds them. */
    public int operandCount() {
        return operandCount;
    }

    /** Tell whether a step of this kind never returns (it ends the main program). */
    public boolean terminal() {
        return this == HALT || this == RESET;
    }

    /**
     * The codes the framework keeps for its own kinds, present and future: 1 to 31 except 16, which the x86_64
     * platform's jump has had since format version 1.
     */
    public static final java.util.List<io.handoff.api.arch.StepCodeRange> RESERVED = java.util.List.of(
            new io.handoff.api.arch.StepCodeRange(1, 15), new io.handoff.api.arch.StepCodeRange(17, 31));

    /** Return the kind spelled {@code id}, if known. */
    public static Optional<GenericStep> ofId(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }

    /** Return the kind numbered {@code code}, if known. */
    public static Optional<GenericStep> ofCode(int code) {
        return Arrays.stream(values()).filter(k -> k.code == code).findFirst();
    }
}
