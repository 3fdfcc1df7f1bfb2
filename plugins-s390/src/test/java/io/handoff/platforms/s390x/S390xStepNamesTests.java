package io.handoff.platforms.s390x;

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
 * steps-s390x.c's {@code hal_arch_step_name} and {@link S390xSteps}'s declarations name the same kinds: the plugin's
 * host build prints each declared id on the console (FORMAT.md §4; the host build has the reference machine's UART,
 * which a real s390 does not).
 */
class S390xStepNamesTests {
    @Test
    void theRuntimeNamesEveryDeclaredKindByItsId() throws IOException {
        byte[] blob;
        try (InputStream in = getClass().getResourceAsStream(S390xPlatform.PURGATORY_RESOURCE)) {
            blob = in.readAllBytes();
        }
        Map<String, List<Long>> operands = Map.of(
                S390xSteps.LOAD_PSW.id(), S390xSteps.loadPsw(0x0000000180000000L, 0x10000L, "the kernel").operands(),
                S390xSteps.DUMP_REIPL.id(), S390xSteps.dumpReipl(new byte[64], "a device").operands(),
                S390xSteps.DISABLED_WAIT.id(), S390xSteps.disabledWait(0xDEAD, "stop").operands());
        Map<String, Trace> runs = StepNames.skipped(new S390xSimulator(), S390xSteps.ALL, blob, ByteOrder.BIG_ENDIAN,
                operands);
        assertThat(runs.keySet()).containsExactly("load-psw", "dump-reipl", "disabled-wait");
        runs.forEach((id, t) -> {
            assertThat(t.lines()).as(id).contains(StepNames.skippedLine(id));
            assertThat(t.handoff()).as(id).isEqualTo(new Handoff.Halted(StepNames.HALT));
            assertThat(t.mainSteps().get(StepNames.INDEX).outcome()).as(id).isEqualTo(StepRun.Outcome.SKIPPED);
        });
    }
}
