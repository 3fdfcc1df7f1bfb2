package io.handoff.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.arch.SimpleStepKind;
import io.handoff.api.arch.StepKindDeclaration;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GenericStepsTests {
    private static final TransferRate RATE = new TransferRate(200_000_000L);

    @Nested
    class MemoryMoves {
        @Test
        void copyCarriesSourceDestinationAndLengthBoundedByTheRate() {
            assertThat(GenericSteps.copy(0x1000, 0x2e000000L, 0x9EC00, "the backup region", RATE)).isEqualTo(
                    new PurgatoryStep("copy", FailurePolicy.REQUIRED, Duration.ofNanos(3_252_000),
                            List.of(0x1000L, 0x2e000000L, 0x9EC00L),
                            "copy the backup region: 0x9ec00 bytes 0x1000 -> 0x2e000000"));
        }

        @Test
        void swapCarriesBothRangesAndLengthBoundedByTheRate() {
            assertThat(GenericSteps.swap(0x10010000L, 0x10000, 0xFFF0000L, "the crash region", RATE)).isEqualTo(
                    new PurgatoryStep("swap", FailurePolicy.REQUIRED, Duration.ofNanos(1_341_850_000),
                            List.of(0x10010000L, 0x10000L, 0xFFF0000L),
                            "swap the crash region: 0xfff0000 bytes 0x10010000 <-> 0x10000"));
        }
    }

    @Nested
    class Stops {
        @Test
        void haltCarriesTheReasonAndTakesNoTime() {
            assertThat(GenericSteps.halt(1, "halt with reason 1")).isEqualTo(new PurgatoryStep("halt",
                    FailurePolicy.REQUIRED, Duration.ZERO, List.of(1L), "halt with reason 1"));
        }

        @Test
        void resetCarriesTheMethodAndTakesNoTime() {
            assertThat(GenericSteps.reset(2, "reset by the keyboard controller")).isEqualTo(new PurgatoryStep(
                    "reset", FailurePolicy.REQUIRED, Duration.ZERO, List.of(2L), "reset by the keyboard controller"));
        }
    }

    @Nested
    class ArchitectureSteps {
        private final SimpleStepKind wait = new SimpleStepKind("toy-wait", 40, List.of("code", "delay"), true,
                Duration.ofMillis(3), "purgatory: toy wait");

        @Test
        void takeKindAndWorstCaseFromTheDeclaration() {
            PurgatoryStep step = GenericSteps.architecture(wait, List.of(7L, 9L), "wait with code 7");

            assertThat(step).isEqualTo(new PurgatoryStep("toy-wait", FailurePolicy.REQUIRED, Duration.ofMillis(3),
                    List.of(7L, 9L), "wait with code 7"));
        }

        @Test
        void askTheDeclarationForAVariableWorstCase() {
            StepKindDeclaration perWord = new StepKindDeclaration() {
                @Override
                public String id() {
                    return "toy-payload";
                }

                @Override
                public int code() {
                    return 41;
                }

                @Override
                public List<String> operandNames() {
                    return List.of("length");
                }

                @Override
                public boolean variableOperands() {
                    return true;
                }

                @Override
                public boolean terminal() {
                    return false;
                }

                @Override
                public Duration worstCase(List<Long> operands) {
                    return Duration.ofMillis(operands.size());
                }

                @Override
                public String consoleMarker() {
                    return "purgatory: toy payload";
                }
            };

            PurgatoryStep step = GenericSteps.architecture(perWord, FailurePolicy.BEST_EFFORT, List.of(3L, 5L, 6L),
                    "three words");

            assertThat(step.worstCase()).isEqualTo(Duration.ofMillis(3));
            assertThat(step.policy()).isEqualTo(FailurePolicy.BEST_EFFORT);
        }

        @Test
        void refuseOperandsTheDeclarationRefuses() {
            assertThatThrownBy(() -> GenericSteps.architecture(wait, List.of(7L), "short"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("step kind toy-wait: takes 2 operands, got 1");
            assertThat(wait.checkOperands(List.of(7L, 9L))).isEqualTo(Optional.empty());
        }
    }
}
