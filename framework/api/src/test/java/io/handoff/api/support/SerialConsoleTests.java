package io.handoff.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SerialConsoleTests {
    private final SerialConsole com1 = new SerialConsole(0x3F8, 1, 115_200);

    @Nested
    class TheConsoleStep {
        @Test
        void carriesPortAndDivisorAndNamesTheBaud() {
            assertThat(com1.step()).isEqualTo(new PurgatoryStep("console", FailurePolicy.BEST_EFFORT,
                    Duration.ofMillis(1), List.of(0x3F8L, 1L), "16550 UART at 0x3f8, 115200 baud"));
        }

        @Test
        void refusesANonPositiveBaud() {
            assertThatThrownBy(() -> new SerialConsole(0x3F8, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("positive baud");
        }
    }

    @Nested
    class PrintSteps {
        @Test
        void endTheLineAndCarryNoOperands() {
            PurgatoryStep step = com1.print("hello");

            assertThat(step.kind()).isEqualTo("print");
            assertThat(step.policy()).isEqualTo(FailurePolicy.BEST_EFFORT);
            assertThat(step.description()).isEqualTo("hello\n");
            assertThat(step.operands()).isEmpty();
        }

        @Test
        void keepALineBreakTheTextHas() {
            assertThat(com1.print("hello\n").description()).isEqualTo("hello\n");
            assertThat(com1.print("hello\n").worstCase()).isEqualTo(com1.print("hello").worstCase());
        }

        @ParameterizedTest
        @CsvSource({
            // text, baud, micros: (bytes + CR LF) × 10 bits at the baud, rounded up, plus 1 ms
            "'',                                                115200, 1174",
            "hello,                                             9600,   8292",
            "'handoff: purgatory for x86_64 kdump, 5 segments', 115200, 5254",
            "'ü',                                               115200, 1348",
        })
        void takeTenBitsAByteAtTheBaudPlusAMargin(String text, long baud, long micros) {
            SerialConsole console = new SerialConsole(0x3F8, 1, baud);

            assertThat(console.printTime(text)).isEqualTo(Duration.ofNanos(micros * 1000));
            assertThat(console.print(text).worstCase()).isEqualTo(Duration.ofNanos(micros * 1000));
        }
    }
}
