package io.handoff.simulator;

import io.handoff.api.arch.ArchitectureAnswer;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.arch.ArchitectureStop;
import io.handoff.api.arch.SimpleStepKind;
import io.handoff.api.arch.SimulatedMachine;
import io.handoff.api.arch.StepCodeRange;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The architecture of the framework's own tests (framework/purgatory/src/test/c/test_arch.c): one kind, 16,
 * {@code jump}, that enters a kernel with 17 register operands, the last the entry, through operation 1.
 * Its host library is framework-purgatory's test jar's; it stands for any platform's jump.
 */
final class TestArchitecture implements ArchitectureSimulator {
    /** The register names, in operand order. */
    static final List<String> REGISTERS = List.of("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8", "r9",
            "r10", "r11", "r12", "r13", "r14", "r15", "rip");
    static final SimpleStepKind JUMP = new SimpleStepKind("jump", 16, REGISTERS, true, Duration.ZERO,
            "purgatory: jump to ");
    static final ArchitectureSteps STEPS = new ArchitectureSteps(List.of(new StepCodeRange(16, 16)), List.of(JUMP));

    private final ByteOrder order;

    private TestArchitecture(ByteOrder order) {
        this.order = order;
    }

    /** Return the test architecture for programs in this byte order. */
    static TestArchitecture of(ByteOrder order) {
        return new TestArchitecture(order);
    }

    /** Load its host library. */
    static HostPurgatory runtime(ByteOrder order) {
        return HostPurgatory.load(of(order));
    }

    /** Return a machine of the test architecture. */
    static ReferenceMachine machine(HostPurgatory runtime, ReferenceMachine.Options options) {
        return new ReferenceMachine(runtime, options, Optional.of(of(ByteOrder.LITTLE_ENDIAN)), STEPS);
    }

    @Override
    public String hostLibrary() {
        return "native/linux-x86-64/libhandoff-purgatory-host-testarch"
                + (order == ByteOrder.BIG_ENDIAN ? "-be" : "") + ".so";
    }

    @Override
    public Cpu start(SimulatedMachine machine) {
        return call -> {
            if (call.op() != 1 || call.args().size() != REGISTERS.size()) {
                return ArchitectureAnswer.value(-1);
            }
            Map<String, Long> named = new LinkedHashMap<>();
            for (int i = 0; i < REGISTERS.size(); i++) {
                named.put(REGISTERS.get(i), call.arg(i));
            }
            return ArchitectureAnswer.stop(ArchitectureStop.jump(16, named.get("rip"), named,
                    String.format("jumped to %#x with rsi=%#x", named.get("rip"), named.get("rsi"))));
        };
    }

    /** The cpu of a run, for {@link HostPurgatory#run} directly. */
    static ArchitectureSimulator.Cpu cpu() {
        return of(ByteOrder.LITTLE_ENDIAN).start(null);
    }
}
