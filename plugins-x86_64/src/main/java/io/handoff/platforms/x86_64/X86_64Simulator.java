package io.handoff.platforms.x86_64;

import io.handoff.api.arch.ArchitectureAnswer;
import io.handoff.api.arch.ArchitectureCall;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureStop;
import io.handoff.api.arch.SimulatedMachine;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The x86_64 CPU of the reference machine: the jump of src/main/purgatory/host/host-x86_64.c, recorded with the
 * sixteen general registers and rip by name. Port I/O, memory, halt and reset are the framework machine's.
 */
final class X86_64Simulator implements ArchitectureSimulator {
    /** host-x86_64.c's operation number of the jump (steps-x86_64.h). */
    static final int OP_JUMP = 1;

    @Override
    public String hostLibrary() {
        return "native/linux-x86-64/libhandoff-purgatory-host-x86_64.so";
    }

    @Override
    public Cpu start(SimulatedMachine machine) {
        return call -> call.op() == OP_JUMP && call.args().size() == PurgatorySteps.JUMP_REGISTERS.size()
                ? jump(call) : ArchitectureAnswer.value(-1, "unknown x86_64 operation " + call.op());
    }

    private static ArchitectureAnswer jump(ArchitectureCall call) {
        Map<String, Long> named = new LinkedHashMap<>();
        for (int i = 0; i < PurgatorySteps.JUMP_REGISTERS.size(); i++) {
            named.put(PurgatorySteps.JUMP_REGISTERS.get(i), call.arg(i));
        }
        long rip = named.get("rip");
        return ArchitectureAnswer.stop(ArchitectureStop.jump(X86_64Steps.JUMP.code(), rip, named,
                String.format("jumped to %#x with rsi=%#x", rip, named.get("rsi"))));
    }
}
