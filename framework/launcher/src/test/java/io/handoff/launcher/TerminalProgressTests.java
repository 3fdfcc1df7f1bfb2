package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The progress line while a large file is hashed: drawn in place, throttled, erased at the end. */
class TerminalProgressTests {
    static final long MIB = 1 << 20;

    final StringWriter out = new StringWriter();
    long now;
    final TerminalProgress progress = new TerminalProgress(new PrintWriter(out, true), () -> now);

    @Test
    void aLargeFileShowsItsRoleNamePercentAndSizeAndIsErasedWhenDone() {
        progress.hashed("initrd", Path.of("/boot/initrd.img-6.1"), 40 * MIB, 160 * MIB);
        progress.hashed("initrd", Path.of("/boot/initrd.img-6.1"), 160 * MIB, 160 * MIB);

        assertThat(out.toString()).isEqualTo("\rhandoff: hashing initrd initrd.img-6.1: 25% of 160 MiB\033[K"
                + "\r\033[K");
    }

    @Test
    void redrawsAtMostTenTimesASecond() {
        // 99 chunks, 20 ms apart: 1.98 s, so the first and one every 100 ms after it
        for (long done = MIB; done < 100 * MIB; done += MIB) {
            progress.hashed("initrd", Path.of("initrd"), done, 100 * MIB);
            now += 20_000_000L;
        }

        assertThat(out.toString().split("\r", -1).length - 1).isEqualTo(20);
        assertThat(out.toString()).startsWith("\rhandoff: hashing initrd initrd: 1% of 100 MiB")
                .contains("\rhandoff: hashing initrd initrd: 6% of 100 MiB");
    }

    @Test
    void aSmallFileShowsNothing() {
        progress.hashed("kernel", Path.of("vmlinuz"), 4 * MIB, 8 * MIB);
        progress.hashed("kernel", Path.of("vmlinuz"), 8 * MIB, 8 * MIB);

        assertThat(out.toString()).isEmpty();
    }
}
