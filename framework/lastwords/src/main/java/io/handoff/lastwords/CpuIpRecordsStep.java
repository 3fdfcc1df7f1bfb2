package io.handoff.lastwords;

import io.handoff.api.machine.CrashNote;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code cpu-ip-records} step (FORMAT.md §7): at crash time, each CPU's instruction pointer from its
 * NT_PRSTATUS, to the console and/or the SEL.
 *
 * <p>Operands: the {@link KcsTransport} (data port, status port, wait_us, retries, deadline_us), flags (bit 0
 * console, bit 1 SEL), instruction pointer offset, CPU count C, then C × (crash_notes address, size). Entry {@code i} is CPU
 * {@code i}; a CPU number the machine does not have gets the entry (0, 0), which the runtime reports as holding
 * no NT_PRSTATUS.
 *
 * <p>Its SEL writes run within the shared last-words deadline ({@link KcsTransport#lastWordsBound()}); its
 * console lines ({@link #consoleLines()}) are what it may add after that deadline has passed.
 *
 * @param transport where the KCS interface is and how long to wait
 * @param console whether to print each CPU's instruction pointer
 * @param sel whether to write each as a 0xF1 SEL record
 * @param ipOffset the offset of the instruction pointer in the NT_PRSTATUS descriptor
 * @param notes the crash notes by CPU number (absent CPUs with address and size 0)
 * @since 0.1
 */
public record CpuIpRecordsStep(KcsTransport transport, boolean console, boolean sel, long ipOffset,
                               List<CrashNote> notes) {
    /** The step kind. */
    public static final String KIND = "cpu-ip-records";
    /** Flag bit: print to the console. */
    public static final long FLAG_CONSOLE = 1;
    /** Flag bit: write SEL records. */
    public static final long FLAG_SEL = 2;

    /** Check and copy. */
    public CpuIpRecordsStep {
        Objects.requireNonNull(transport, "transport");
        notes = List.copyOf(notes);
        for (int i = 0; i < notes.size(); i++) {
            if (notes.get(i).cpu() != i) {
                throw new IllegalArgumentException("entry " + i + " holds the notes of CPU " + notes.get(i).cpu());
            }
        }
    }

    /**
     * Create the step from the machine's crash notes, padding absent CPU numbers with empty entries.
     *
     * @param transport the KCS transport
     * @param console console output
     * @param sel SEL output
     * @param ipOffset the instruction pointer offset of the target
     * @param present the crash notes of the present CPUs
     */
    public static CpuIpRecordsStep of(KcsTransport transport, boolean console, boolean sel, long ipOffset,
                                      List<CrashNote> present) {
        int count = present.stream().mapToInt(n -> n.cpu() + 1).max().orElse(0);
        List<CrashNote> byCpu = new ArrayList<>(count);
        for (int cpu = 0; cpu < count; cpu++) {
            byCpu.add(new CrashNote(cpu, 0, 0));
        }
        present.forEach(n -> byCpu.set(n.cpu(), n));
        return new CpuIpRecordsStep(transport, console, sel, ipOffset, byCpu);
    }

    /** Return the flags operand. */
    public long flags() {
        return (console ? FLAG_CONSOLE : 0) | (sel ? FLAG_SEL : 0);
    }

    /** Return the operands. */
    public List<Long> operands() {
        List<Long> operands = new ArrayList<>(transport.operands());
        operands.add(flags());
        operands.add(ipOffset);
        operands.add((long) notes.size());
        for (CrashNote note : notes) {
            operands.add(note.address());
            operands.add(note.size());
        }
        return operands;
    }

    /**
     * Return how many console lines the step prints at most, besides its failure: per CPU entry, its
     * instruction pointer when the console is on and the result of its Add SEL Entry when SEL is on.
     */
    public int consoleLines() {
        return notes.size() * ((console ? 1 : 0) + (sel ? 1 : 0));
    }

    /**
     * Return the best-effort purgatory step.
     *
     * @param worstCase the bound charged to this step (the shared deadline's for the first, else zero)
     * @param description one line for plans and traces
     */
    public PurgatoryStep toStep(Duration worstCase, String description) {
        return new PurgatoryStep(KIND, FailurePolicy.BEST_EFFORT, worstCase, operands(), description);
    }

    /**
     * Decode the operands of a {@code cpu-ip-records} step.
     *
     * @param operands the step's operands
     * @return the step
     * @throws IllegalArgumentException when the count does not match the operands
     */
    public static CpuIpRecordsStep decode(List<Long> operands) {
        if (operands.size() < 8 || operands.size() != 8 + 2 * operands.get(7)) {
            throw new IllegalArgumentException("cpu-ip-records: " + operands.size() + " operands do not match its CPU count");
        }
        KcsTransport transport = KcsTransport.decode(operands);
        List<CrashNote> notes = new ArrayList<>();
        for (int i = 0; i < operands.get(7); i++) {
            notes.add(new CrashNote(i, operands.get(8 + 2 * i), operands.get(9 + 2 * i)));
        }
        long flags = operands.get(5);
        return new CpuIpRecordsStep(transport, (flags & FLAG_CONSOLE) != 0, (flags & FLAG_SEL) != 0, operands.get(6),
                notes);
    }
}
