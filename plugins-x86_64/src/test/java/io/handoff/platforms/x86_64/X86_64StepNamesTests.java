package io.handoff.platforms.x86_64;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.simulator.Handoff;
import io.handoff.simulator.StepRun;
import io.handoff.simulator.Trace;
import io.handoff.testkit.StepNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * steps-x86_64.c's {@code hal_arch_step_name} and {@link X86_64Steps}'s declarations name the same kinds: the plugin's
 * host build prints each declared id on the console (FORMAT.md §4), where traces and users read it.
 */
class X86_64StepNamesTests {
    @Test
    void theRuntimeNamesEveryDeclaredKindByItsId() throws IOException {
        byte[] blob;
        try (InputStream in = getClass().getResourceAsStream(X86_64Platform.PURGATORY_RESOURCE)) {
            blob = in.readAllBytes();
        }
        Map<String, List<Long>> operands = Map.of(
                X86_64Steps.JUMP.id(), X86_64Steps.jump(Map.of("rip", 0x100_0000L, "rsi", 0x9000L)).operands(),
                X86_64Steps.EFI_CALL.id(), new X86_64EfiRuntimeCalls().call(EfiCallStepTests.resetWarm()).operands());
        Map<String, Trace> runs = StepNames.skipped(new X86_64Simulator(), X86_64Steps.ALL, blob,
                ByteOrder.LITTLE_ENDIAN, operands);
        assertThat(runs.keySet()).containsExactly("jump-x86_64", "efi-call-x86_64");
        runs.forEach((id, t) -> {
            assertThat(t.lines()).as(id).contains(StepNames.skippedLine(id));
            assertThat(t.handoff()).as(id).isEqualTo(new Handoff.Halted(StepNames.HALT));
            assertThat(t.mainSteps().get(StepNames.INDEX).outcome()).as(id).isEqualTo(StepRun.Outcome.SKIPPED);
        });
    }
}
