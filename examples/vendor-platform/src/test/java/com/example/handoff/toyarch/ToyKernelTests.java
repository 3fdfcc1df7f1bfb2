package com.example.handoff.toyarch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyKernelTests {
    @TempDir
    Path tmp;

    @Test
    void readsTheEntryOffsetAndMemsz() {
        ToyKernel k = ToyKernel.parse(ToyArchFixtures.kernel(tmp));
        assertThat(k.size()).isEqualTo(0x2_0000);
        assertThat(k.entryOffset()).isEqualTo(0x40);
        assertThat(k.memsz()).isEqualTo(0x3_0000);
    }

    @Test
    void anythingButAToykImageIsRefusedByName() throws IOException {
        Path bzImage = Files.write(tmp.resolve("bzImage"), new byte[0x1000]);
        assertThatThrownBy(() -> ToyKernel.parse(bzImage)).isInstanceOf(HandoffException.class)
                .hasMessage(bzImage + ": not a toyarch kernel: no \"TOYK\" magic at offset 0 (toyarch loads TOYK "
                        + "images only)")
                .extracting(e -> ((HandoffException) e).kind()).isEqualTo(FailureKind.UNSUPPORTED_IMAGE);
    }

    @Test
    void anEntryOutsideTheCodeOrAMemszBelowTheFileIsRefused() {
        Path outside = ToyArchFixtures.kernel(tmp, "outside", 0x1000, 0x1000, 0x1000);
        assertThatThrownBy(() -> ToyKernel.parse(outside)).hasMessageContaining("TOYK entry offset 0x1000 is outside");
        Path small = ToyArchFixtures.kernel(tmp, "small", 0x1000, 0x40, 0x800);
        assertThatThrownBy(() -> ToyKernel.parse(small)).hasMessageContaining("TOYK memsz 0x800 is smaller");
    }
}
