package io.handoff.platforms.s390x;

import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.arch.StepCodeRange;
import io.handoff.api.arch.StepKindDeclaration;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.support.BytePayloads;
import io.handoff.api.support.GenericSteps;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The s390x architecture step kinds (FORMAT.md §8), implemented by src/main/purgatory/steps-s390x.c: load a PSW,
 * re-IPL the dump tool with diag 308, stop in a disabled wait. Codes 32 to 47 are s390x's.
 */
final class S390xSteps {
    /** Load an s390 PSW: mask, address; never returns. */
    static final StepKindDeclaration LOAD_PSW = new StepKindDeclaration() {
        @Override
        public String id() {
            return "load-psw";
        }

        @Override
        public int code() {
            return 32;
        }

        @Override
        public List<String> operandNames() {
            return List.of("mask", "address");
        }

        @Override
        public boolean terminal() {
            return true;
        }

        @Override
        public String summary(List<Long> operands) {
            return operands.size() == 2 ? String.format("psw %#018x %#x", operands.get(0), operands.get(1))
                    : StepKindDeclaration.super.summary(operands);
        }

        @Override
        public String consoleMarker() {
            return "purgatory: load psw ";
        }
    };

    /** Re-IPL the stand-alone dump tool (diag 308 SET, then LOAD_NORMAL_DUMP): the IPL parameter block as a payload. */
    static final StepKindDeclaration DUMP_REIPL = new StepKindDeclaration() {
        @Override
        public String id() {
            return "dump-reipl";
        }

        @Override
        public int code() {
            return 33;
        }

        @Override
        public List<String> operandNames() {
            return List.of("block length");
        }

        @Override
        public boolean variableOperands() {
            return true;
        }

        @Override
        public boolean terminal() {
            return false; // a refused re-IPL returns and the fallback goes on
        }

        @Override
        public Optional<String> checkOperands(List<Long> ops) {
            if (ops.isEmpty()) {
                return Optional.of("takes the block length and its bytes, got no operands");
            }
            long n = ops.get(0);
            if (n < 8 || n > MAX_IPL_BLOCK) {
                return Optional.of("IPL parameter block length " + n + " is outside 8.." + MAX_IPL_BLOCK);
            }
            long words = 1 + (n + 7) / 8;
            return ops.size() == words ? Optional.empty() : Optional.of(String.format(
                    "a %d-byte IPL parameter block takes %d operands, got %d", n, words, ops.size()));
        }

        @Override
        public Duration worstCase(List<Long> operands) {
            return Steps.REIPL_BOUND;
        }

        @Override
        public String summary(List<Long> operands) {
            return checkOperands(operands).isEmpty()
                    ? String.format("diag 308 with a %d-byte IPL parameter block", operands.get(0))
                    : StepKindDeclaration.super.summary(operands);
        }

        @Override
        public String consoleMarker() {
            return "purgatory: dump re-ipl";
        }
    };

    /** Stop the CPU in a disabled wait whose PSW address is the code. */
    static final StepKindDeclaration DISABLED_WAIT = new StepKindDeclaration() {
        @Override
        public String id() {
            return "disabled-wait";
        }

        @Override
        public int code() {
            return 34;
        }

        @Override
        public List<String> operandNames() {
            return List.of("code");
        }

        @Override
        public boolean terminal() {
            return true;
        }

        @Override
        public String summary(List<Long> operands) {
            return operands.size() == 1 ? String.format("code %#x", operands.get(0))
                    : StepKindDeclaration.super.summary(operands);
        }

        @Override
        public String consoleMarker() {
            return "purgatory: disabled wait";
        }
    };

    /**
     * Return a {@code load-psw} step: mask, address.
     *
     * @param what what is entered, for the description
     */
    static PurgatoryStep loadPsw(long mask, long address, String what) {
        return GenericSteps.architecture(LOAD_PSW, List.of(mask, address),
                String.format("load the PSW %#018x %#x: %s", mask, address, what));
    }

    /**
     * Return a {@code disabled-wait} step: the code.
     *
     * @param why why the CPU stops, for the description
     */
    static PurgatoryStep disabledWait(long code, String why) {
        return GenericSteps.architecture(DISABLED_WAIT, List.of(code),
                String.format("disabled wait with code %#x: %s", code, why));
    }

    /**
     * Return a {@code dump-reipl} step: the IPL parameter block as a big-endian byte payload.
     *
     * @param block the IPL parameter block
     * @param what the dump device, for the description
     */
    static PurgatoryStep dumpReipl(byte[] block, String what) {
        return GenericSteps.architecture(DUMP_REIPL, BytePayloads.payload(block, ByteOrder.BIG_ENDIAN),
                "dump re-IPL (diag 308) from " + what);
    }

    /** The largest IPL parameter block a dump-reipl step carries: one page (PG_IPL_BLOCK_MAX in steps-s390x.h). */
    static final int MAX_IPL_BLOCK = 4096;

    /** s390x's kinds and codes. */
    static final ArchitectureSteps ALL = new ArchitectureSteps(List.of(new StepCodeRange(32, 47)),
            List.of(LOAD_PSW, DUMP_REIPL, DISABLED_WAIT));

    private S390xSteps() {
    }
}
