package io.handoff.core.elf;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for the ELF64 reader: any bytes give a file whose program headers can be listed, or a problem.
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the corpus under {@code Elf64FuzzTestsInputs/parse/}.
 */
class Elf64FuzzTests {
    @FuzzTest(maxDuration = "3m")
    void parse(byte[] data) {
        Elf64.Result result = Elf64.parse(data);
        if (result.elf().isPresent()) {
            Elf64 elf = result.elf().get();
            assertThat(elf.programHeaders()).hasSizeLessThanOrEqualTo(0xFFFF);
        } else {
            assertThat(result.problem()).isNotBlank().doesNotContain("\n");
        }
    }
}
