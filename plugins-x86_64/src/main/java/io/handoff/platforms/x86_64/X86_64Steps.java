package io.handoff.platforms.x86_64;

import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.arch.StepCodeRange;
import io.handoff.api.arch.StepKindDeclaration;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.support.GenericSteps;
import java.util.List;
import java.util.Map;

/**
 * The x86_64 architecture step kinds (FORMAT.md §3), implemented by src/main/purgatory/steps-x86_64.c: enter a
 * 64-bit kernel with the sixteen general registers and rip (code 16, x86_64's since format version 1), and call a
 * UEFI runtime service on purgatory's own page tables (code 64, from the range 64-79 x86_64 reserves since 0.3).
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

    /** Call a UEFI runtime service with the Microsoft x64 convention on purgatory's own page tables. */
    static final StepKindDeclaration EFI_CALL = new EfiCallStep();

    /** x86_64's kinds and codes: 16, and 64-79 (after s390x's 32-47 and ia64's 48-63). */
    static final ArchitectureSteps ALL = new ArchitectureSteps(
            List.of(new StepCodeRange(16, 16), new StepCodeRange(64, 79)), List.of(JUMP, EFI_CALL));

    private X86_64Steps() {
    }
}
