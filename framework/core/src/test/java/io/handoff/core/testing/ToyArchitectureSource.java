package io.handoff.core.testing;

/**
 * Java source of the members a compiled toy platform plugin ({@link PluginJarBuilder}) adds to run on the test
 * architecture of framework-purgatory's test jar (src/test/c/test_arch.c): kind 16 {@code jump} with 17
 * register operands through operation 1, the library {@code libhandoff-purgatory-host-testarch.so}. Paste it into
 * the platform class; it needs {@code io.handoff.api.arch.*}, {@code java.time.Duration}, {@code java.util.*}.
 */
public final class ToyArchitectureSource {
    /** The members: {@code architectureSteps()} and {@code simulator()}. */
    public static final String MEMBERS = """
                static final List<String> REGS = List.of("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
                        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip");
                public ArchitectureSteps architectureSteps() {
                    return new ArchitectureSteps(List.of(new StepCodeRange(16, 16)), List.of(new SimpleStepKind(
                            "jump", 16, REGS, true, Duration.ZERO, "purgatory: jump to ")));
                }
                public Optional<ArchitectureSimulator> simulator() {
                    return Optional.of(new ArchitectureSimulator() {
                        public String hostLibrary() {
                            return "native/linux-x86-64/libhandoff-purgatory-host-testarch.so";
                        }
                        public Cpu start(SimulatedMachine machine) {
                            return call -> {
                                Map<String, Long> named = new LinkedHashMap<>();
                                for (int i = 0; i < REGS.size(); i++) {
                                    named.put(REGS.get(i), call.arg(i));
                                }
                                return ArchitectureAnswer.stop(ArchitectureStop.jump(16, call.arg(16), named,
                                        String.format("jumped to %#x with rsi=%#x", call.arg(16), call.arg(4))));
                            };
                        }
                    });
                }
            """;

    /** The imports the members need. */
    public static final String IMPORTS = """
            import io.handoff.api.arch.*;
            import java.time.Duration;
            import java.util.LinkedHashMap;
            import java.util.Optional;
            """;

    private ToyArchitectureSource() {
    }
}
