package io.handoff.platforms.ia64;

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
 * steps-ia64.c's {@code hal_arch_step_name} and {@link Ia64Steps}'s declarations name the same kinds: the plugin's
 * host build prints each declared id on the console (FORMAT.md §4). entry.S's {@code pg_put_kind} holds the same
 * strings for the image; src/test/ski/ski-selftest.sh checks them on Ski.
 */
class Ia64StepNamesTests {
    @Test
    void theRuntimeNamesEveryDeclaredKindByItsId() throws IOException {
        byte[] blob;
        try (InputStream in = getClass().getResourceAsStream(Ia64Platform.PURGATORY_RESOURCE)) {
            blob = in.readAllBytes();
        }
        Map<String, List<Long>> operands = Map.of(
                Ia64Steps.BOOT_PARAM.id(), Ia64Steps.bootParam(0x4000000L, 0x4001000L, 0, 0).operands(),
                Ia64Steps.EFI_MEMMAP.id(), Ia64Steps.efiMemmap(0x4000000L, 0x4002000L, 4096, 0x4003000L, 0).operands(),
                Ia64Steps.SVAM_HOOK.id(), Ia64Steps.svamHook(0x4000000L, 0x4004000L).operands(),
                Ia64Steps.JUMP.id(), Ia64Steps.jump(0x4100000L, 0x4000000L).operands());
        Map<String, Trace> runs = StepNames.skipped(new Ia64Simulator(), Ia64Steps.ALL, blob, ByteOrder.LITTLE_ENDIAN,
                operands);
        assertThat(runs.keySet()).containsExactly("ia64-boot-param", "ia64-efi-memmap", "ia64-svam-hook", "ia64-jump");
        runs.forEach((id, t) -> {
            assertThat(t.lines()).as(id).contains(StepNames.skippedLine(id));
            assertThat(t.handoff()).as(id).isEqualTo(new Handoff.Halted(StepNames.HALT));
            assertThat(t.mainSteps().get(StepNames.INDEX).outcome()).as(id).isEqualTo(StepRun.Outcome.SKIPPED);
        });
    }
}
