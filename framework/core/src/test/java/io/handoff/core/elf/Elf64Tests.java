package io.handoff.core.elf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Elf64Tests {
    @Test
    void rejectsTruncatedAndNonElfInput() {
        assertThat(Elf64.parse(new byte[10]).problem()).contains("truncated");
        assertThat(Elf64.parse(new byte[64]).problem()).contains("no ELF magic");
    }
}
