package com.example.handoff.toyarch;

import io.handoff.api.arch.ArchitectureAnswer;
import io.handoff.api.arch.ArchitectureCall;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureStop;
import io.handoff.api.arch.SimulatedMachine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The toyarch CPU and board of the reference machine: the boot controller's doorbell (a simulated device that
 * acknowledges the entry address it is rung with) and the jump of src/main/purgatory/host/host-toyarch.c, recorded
 * with the toy's two registers, {@code pc} and {@code a0}. Port I/O, memory, halt and reset are the framework
 * machine's.
 */
public final class ToyArchSimulator implements ArchitectureSimulator {
    /** host-toyarch.c's operation numbers (steps-toyarch.h). */
    static final int OP_ENTER = 1;
    static final int OP_DOORBELL = 2;
    /** What the doorbell answers when it took the value (TOY_DOORBELL_ACK). */
    static final long DOORBELL_ACK = 0x70790000L;

    private final boolean doorbellStuck;

    /** A healthy board. */
    public ToyArchSimulator() {
        this(false);
    }

    /** A board whose doorbell never acknowledges (tests of the fallback). */
    ToyArchSimulator(boolean doorbellStuck) {
        this.doorbellStuck = doorbellStuck;
    }

    @Override
    public String hostLibrary() {
        return "native/linux-x86-64/libhandoff-purgatory-host-toyarch.so";
    }

    @Override
    public Cpu start(SimulatedMachine machine) {
        return new Cpu() {
            private final List<Long> rung = new ArrayList<>();

            @Override
            public ArchitectureAnswer call(ArchitectureCall call) {
                return switch (call.op()) {
                    case OP_DOORBELL -> doorbell(call.arg(0));
                    case OP_ENTER -> ArchitectureAnswer.stop(ArchitectureStop.jump(ToyArchSteps.TOY_ENTER.code(),
                            call.arg(0), registers(call.arg(0), call.arg(1)),
                            String.format("entered the toy kernel at %#x with a0=%#x", call.arg(0), call.arg(1))));
                    default -> ArchitectureAnswer.value(-1, "unknown toyarch operation " + call.op());
                };
            }

            private ArchitectureAnswer doorbell(long value) {
                rung.add(value);
                if (doorbellStuck) {
                    return ArchitectureAnswer.value(0, String.format(
                            "toy boot controller: doorbell rung with %#x, never acknowledged (fault)", value));
                }
                return ArchitectureAnswer.value(DOORBELL_ACK, String.format(
                        "toy boot controller: doorbell rung with %#x, acknowledged", value));
            }

            @Override
            public List<String> afterHandoff(SimulatedMachine after, Optional<ArchitectureStop> stop) {
                if (stop.isEmpty() || !stop.get().jumped()) {
                    return List.of();
                }
                long entry = stop.get().entry();
                boolean announced = !rung.isEmpty() && rung.get(rung.size() - 1) == entry;
                return List.of(announced
                        ? String.format("toy boot controller: the next kernel starts at %#x, as the doorbell said",
                                entry)
                        : String.format("toy boot controller: the CPU entered %#x without ringing the doorbell "
                                + "for it (rung: %s)", entry, rung));
            }
        };
    }

    /** The registers of a toy-enter, by the architecture's names. */
    static Map<String, Long> registers(long entry, long argument) {
        Map<String, Long> registers = new LinkedHashMap<>();
        registers.put("pc", entry);
        registers.put("a0", argument);
        return registers;
    }
}
