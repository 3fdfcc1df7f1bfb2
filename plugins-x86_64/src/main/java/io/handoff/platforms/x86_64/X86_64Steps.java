package io.handoff.platforms.x86_64;

import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.arch.StepCodeRange;
import io.handoff.api.arch.StepKindDeclaration;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.support.GenericSteps;
import java.util.List;
import java.util.Map;

/**
 * The x86_64 architecture step kind (FORMAT.md §3), implemented by src/main/purgatory/steps-x86_64.c: enter a
 * 64-bit kernel with the sixteen general registers and rip. Code 16 is x86_64's since format version 1.
 */
final class X86_64Steps {
    /** Enter a 64-bit x86 kernel: rax rbx rcx rdx rsi rdi rsp rbp r8-r15 rip. */
    static final StepKindDeclaration JUMP = new StepKindDeclaration() {
        @Override
        public String id() {
            return "jump-x86_64";
        }

        @Override
        public int code() {
            return 16;
        }

        @Override
        public List<String> operandNames() {
            return PurgatorySteps.JUMP_REGISTERS;
        }

        @Override
        public boolean terminal() {
            return true;
        }

        /** The registers that are set, rip always: {@code rip=0x1000000 rsi=0x9000 (others 0)}. */
        @Override
        public String summary(List<Long> regs) {
            if (regs.size() != PurgatorySteps.JUMP_REGISTERS.size()) {
                return StepKindDeclaration.super.summary(regs);
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < regs.size(); i++) {
                String name = PurgatorySteps.JUMP_REGISTERS.get(i);
                if (regs.get(i) != 0 || name.equals("rip")) {
                    b.append(String.format("%s=%#x ", name, regs.get(i)));
                }
            }
            return b.append("(others 0)").toString();
        }

        @Override
        public String consoleMarker() {
            return "purgatory: jump to ";
        }
    };

    /**
     * Return the {@code jump-x86_64} step into the kernel with these registers (those not given are 0).
     *
     * @param registers the registers by name, as {@link X86_64Platform#entryRegisters} gives them
     */
    static PurgatoryStep jump(Map<String, Long> registers) {
        List<Long> operands = PurgatorySteps.JUMP_REGISTERS.stream().map(r -> registers.getOrDefault(r, 0L)).toList();
        return GenericSteps.architecture(JUMP, operands, String.format(
                "enter the kernel at rip=%#x with rsi=%#x (boot_params)", registers.getOrDefault("rip", 0L),
                registers.getOrDefault("rsi", 0L)));
    }

    /** x86_64's kinds and codes. */
    static final ArchitectureSteps ALL = new ArchitectureSteps(List.of(new StepCodeRange(16, 16)), List.of(JUMP));

    private X86_64Steps() {
    }
}
