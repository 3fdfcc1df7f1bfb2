package io.handoff.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.SegmentData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileSlicesTests {
    @TempDir
    Path dir;
    Path image;

    @BeforeEach
    void writeAnImage() throws IOException {
        byte[] bytes = new byte[100];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        image = Files.write(dir.resolve("vmlinuz"), bytes);
    }

    @Nested
    class Reads {
        @Test
        void returnTheBytesAtTheOffset() {
            assertThat(FileSlices.read(image, 10, 4)).containsExactly(10, 11, 12, 13);
        }

        @Test
        void returnFewerBytesWhenTheFileEndsFirst() {
            assertThat(FileSlices.read(image, 98, 16)).containsExactly(98, 99);
            assertThat(FileSlices.read(image, 200, 16)).isEmpty();
        }

        @Test
        void tellTheSize() {
            assertThat(FileSlices.size(image)).isEqualTo(100);
        }

        @Test
        void nameAFileThatIsNotThere() {
            Path missing = dir.resolve("absent");

            assertThatThrownBy(() -> FileSlices.read(missing, 0, 4)).isInstanceOfSatisfying(HandoffException.class,
                    e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage(missing + ": no such file");
            assertThatThrownBy(() -> FileSlices.size(missing)).isInstanceOfSatisfying(HandoffException.class,
                    e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage(missing + ": no such file");
        }

        @Test
        void nameAFileThatCannotBeRead() {
            assertThatThrownBy(() -> FileSlices.read(dir, 0, 4)).isInstanceOfSatisfying(HandoffException.class,
                    e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessageStartingWith(dir + ": cannot read: ");
        }
    }

    @Nested
    class Slices {
        @Test
        void coverTheWholeFile() {
            assertThat(FileSlices.whole(image)).isEqualTo(new SegmentData.FileSlice(image, 0, 100));
        }

        @ParameterizedTest
        @CsvSource({"0, 100", "0, 0", "40, 60", "100, 0", "99, 1"})
        void lieInsideTheFile(long offset, long length) {
            assertThat(FileSlices.slice(image, offset, length))
                    .isEqualTo(new SegmentData.FileSlice(image, offset, length));
        }

        @ParameterizedTest
        @CsvSource({"0, 101", "40, 61", "101, 0", "-1, 10", "10, -1", "1, 9223372036854775807"})
        void thatReachPastTheEndAreRefusedNamingTheFile(long offset, long length) {
            assertThatThrownBy(() -> FileSlices.slice(image, offset, length))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNSUPPORTED_IMAGE))
                    .hasMessageStartingWith(image + ": 100 bytes; the range of " + length + " bytes at offset")
                    .hasMessageEndingWith("does not lie inside it");
        }

        @Test
        void ofAMissingFileAreRefusedNamingIt() {
            Path missing = dir.resolve("absent");

            assertThatThrownBy(() -> FileSlices.slice(missing, 0, 1)).isInstanceOf(HandoffException.class)
                    .hasMessage(missing + ": no such file");
        }
    }
}
