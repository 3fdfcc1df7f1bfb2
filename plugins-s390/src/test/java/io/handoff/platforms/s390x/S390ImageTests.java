package io.handoff.platforms.s390x;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class S390ImageTests {
    @TempDir
    Path tmp;

    @Nested
    class Reads {
        @Test
        void theLimitAndTheFirstPageFrom0x10000() throws IOException {
            Path file = S390Files.image(tmp, "image", 0x30000, 4096);
            S390Image image = S390Image.read(file, 20);
            assertThat(image.maxCommandLine()).isEqualTo(4096);
            assertThat(image.kernelSize()).isEqualTo(0x20000);
            assertThat(image.headLength()).isEqualTo(0x1000);
            assertThat(new String(image.head(), 8, 6, StandardCharsets.US_ASCII)).isEqualTo("S390EP");
            assertThat(image.tail()).hasValueSatisfying(t -> {
                assertThat(t.offset()).isEqualTo(0x11000);
                assertThat(t.length()).isEqualTo(0x1F000);
            });
        }

        @ParameterizedTest(name = "kernel {0} bytes -> initrd at {1}")
        @CsvSource({"0x10000, 0x800000", "0x810000, 0x900000", "0x900000, 0x900000", "0x900001, 0xA00000"})
        void theRamdiskGoesAfterTheKernelAtLeastAt8MiB(String fileSize, String origin) {
            S390Image image = new S390Image(tmp, Long.decode(fileSize) + 0x10000, 896, new byte[0x1000], Optional.empty());
            assertThat(image.ramdiskOrigin()).isEqualTo(Long.decode(origin));
        }
    }

    @Nested
    class Refuses {
        @Test
        void aFileTooShortForTheParameterArea() throws IOException {
            Path file = S390Files.image(tmp, "short", 0x10400, 4096);
            assertThatThrownBy(() -> S390Image.read(file, 1)).isInstanceOfSatisfying(HandoffException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.UNSUPPORTED_IMAGE);
                assertThat(e.getMessage()).contains(file.toString(), "0x10480").doesNotContain("\n");
            });
        }

        @Test
        void anAbsurdCommandLineLimit() throws IOException {
            Path file = S390Files.image(tmp, "absurd", 0x20000, 1L << 40);
            assertThatThrownBy(() -> S390Image.read(file, 1)).isInstanceOfSatisfying(HandoffException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.UNSUPPORTED_IMAGE);
                assertThat(e.getMessage()).contains(file.toString(), "offset 0x10430");
            });
        }

        @Test
        void aMissingFile() {
            Path file = tmp.resolve("nope");
            assertThatThrownBy(() -> S390Image.read(file, 1)).isInstanceOfSatisfying(HandoffException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE);
                assertThat(e.getMessage()).contains(file.toString());
            });
        }
    }
}
