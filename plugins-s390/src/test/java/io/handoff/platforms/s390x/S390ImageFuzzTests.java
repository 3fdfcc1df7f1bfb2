package io.handoff.platforms.s390x;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzz target for the s390 image reader: an image, or a one-line HandoffException.
 *
 * <p>The input is the file from offset 0x10000 on (the parameter area and what follows; the bytes before are
 * zero). Without {@code JAZZER_FUZZ} this replays the corpus under {@code S390ImageFuzzTestsInputs/read/}.
 */
class S390ImageFuzzTests {
    private static final Path FILE = file();

    @FuzzTest(maxDuration = "3m")
    void read(byte[] data) throws IOException {
        byte[] image = new byte[(int) S390Image.IMAGE_OFFSET + data.length];
        System.arraycopy(data, 0, image, (int) S390Image.IMAGE_OFFSET, data.length);
        Files.write(FILE, image);
        try {
            S390Image read = S390Image.read(FILE, 128);
            assertThat(read.headLength()).isPositive();
            assertThat(read.ramdiskOrigin()).isPositive();
            read.tail();
        } catch (HandoffException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
        }
    }

    private static Path file() {
        try {
            Path file = Files.createTempFile("s390-fuzz", ".img");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
