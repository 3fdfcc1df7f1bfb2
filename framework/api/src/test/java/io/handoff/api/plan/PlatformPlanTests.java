package io.handoff.api.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.support.GenericSteps;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PlatformPlanTests {
    private final PurgatoryStep copy = new PurgatoryStep("copy", PurgatoryStep.FailurePolicy.REQUIRED,
            java.time.Duration.ofMillis(1), List.of(1L, 2L, 3L), "copy");
    private final PurgatoryStep halt = GenericSteps.halt(1, "halt");

    @Nested
    class Creation {
        @Test
        void withoutStepsLeavesThemToTheContributor() {
            PlatformPlan plan = new PlatformPlan(0x1000, Map.of("pc", 0x1000L), "quiet", Map.of(), List.of());

            assertThat(plan.memoryMoves()).isEmpty();
            assertThat(plan.terminalStep()).isEmpty();
        }

        @Test
        void withStepsCarriesThem() {
            PlatformPlan plan = new PlatformPlan(0x1000, Map.of(), "quiet", Map.of(), List.of(), List.of(copy),
                    Optional.of(halt));

            assertThat(plan.memoryMoves()).containsExactly(copy);
            assertThat(plan.terminalStep()).contains(halt);
        }
    }

    @Nested
    class OtherWarnings {
        @Test
        void keepEverythingElse() {
            PlatformPlan plan = new PlatformPlan(0x1000, Map.of("pc", 0x1000L), "quiet", Map.of("a", "b"),
                    List.of("one"), List.of(copy), Optional.of(halt));

            PlatformPlan warned = plan.withWarnings(List.of("one", "two"));

            assertThat(warned.warnings()).containsExactly("one", "two");
            assertThat(warned).isEqualTo(new PlatformPlan(0x1000, Map.of("pc", 0x1000L), "quiet", Map.of("a", "b"),
                    List.of("one", "two"), List.of(copy), Optional.of(halt)));
        }
    }
}
