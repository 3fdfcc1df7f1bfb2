package io.handoff.core.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code handoff capture} with hostile or careless destinations and sources: refused before anything is written.
 */
class ProfileCaptureSafetyTests {
    @TempDir
    Path tmp;

    Path source;

    @BeforeEach
    void machine() {
        source = tmp.resolve("machine");
        ProfileFiles.write(source, "/proc/cmdline", "root=/dev/sda1 secret=1\n");
        ProfileFiles.write(source, "/proc/iomem", "00001000-0009fbff : System RAM\n");
    }

    private static HandoffException refusal(Runnable capture) {
        try {
            capture.run();
        } catch (HandoffException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Nested
    class Destinations {
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"/proc/handoff-profile", "/sys/kernel/handoff", "/dev/shm/handoff-profile"})
        void kernelFileSystemsAreRefused(String destination) {
            HandoffException e = refusal(() -> ProfileCapture.capture(new DirectorySystemView(source), Path.of(destination)));
            assertThat(e.kind()).isEqualTo(FailureKind.UNSAFE);
            assertThat(e.getMessage()).isEqualTo(destination + ": inside /" + Path.of(destination).getName(0)
                    + ", a kernel file system; refused: choose a directory on a real file system");
        }

        @Test
        void theSourceRootItselfIsRefusedAndLeftIntact() throws IOException {
            HandoffException e = refusal(() -> ProfileCapture.capture(new DirectorySystemView(source), source));
            assertThat(e.kind()).isEqualTo(FailureKind.UNSAFE);
            assertThat(e.getMessage()).isEqualTo(source + ": is the root being captured (" + source.toRealPath()
                    + "); refused: choose another directory");
            assertThat(source.resolve("proc/cmdline")).hasContent("root=/dev/sda1 secret=1");
        }

        @Test
        void theLiveRootIsRefused() {
            HandoffException e = refusal(() -> ProfileCapture.capture(DirectorySystemView.live(), Path.of("/")));
            assertThat(e.kind()).isEqualTo(FailureKind.UNSAFE);
            assertThat(e.getMessage()).isEqualTo("/: is the root being captured (/); refused: choose another directory");
        }

        @Test
        void aDirectoryInsideTheSourceIsRefused() throws IOException {
            Path inside = source.resolve("profiles/p");
            HandoffException e = refusal(() -> ProfileCapture.capture(new DirectorySystemView(source), inside));
            assertThat(e.kind()).isEqualTo(FailureKind.UNSAFE);
            assertThat(e.getMessage()).isEqualTo(inside + ": inside the root being captured (" + source.toRealPath()
                    + "); refused: choose a directory outside it");
        }

        @Test
        void aDirectoryContainingTheSourceIsRefused() throws IOException {
            HandoffException e = refusal(() -> ProfileCapture.capture(new DirectorySystemView(source), tmp));
            assertThat(e.kind()).isEqualTo(FailureKind.UNSAFE);
            assertThat(e.getMessage()).isEqualTo(tmp + ": contains the root being captured (" + source.toRealPath()
                    + "); refused: choose another directory");
        }

        @Test
        void aDirectoryOfOtherFilesIsRefusedAndKept() throws IOException {
            Path other = Files.createDirectories(tmp.resolve("home"));
            Files.writeString(other.resolve("notes.txt"), "mine");
            HandoffException e = refusal(() -> ProfileCapture.capture(new DirectorySystemView(source), other));
            assertThat(e.kind()).isEqualTo(FailureKind.OUTPUT);
            assertThat(e.getMessage()).isEqualTo(other + ": exists, is not empty and holds no earlier capture (no "
                    + ".handoff-capture); choose another directory");
            assertThat(other.resolve("notes.txt")).hasContent("mine");
        }

        @Test
        void anEarlierCaptureIsReplacedWholeAndNoStagingIsLeft() throws IOException {
            Path profile = tmp.resolve("profile");
            ProfileCapture.capture(new DirectorySystemView(source), profile);
            Files.delete(source.resolve("proc/cmdline"));

            List<String> written = ProfileCapture.capture(new DirectorySystemView(source), profile);

            assertThat(written).containsExactly("/proc/iomem");
            assertThat(profile.resolve("proc/cmdline")).doesNotExist();
            assertThat(profile.resolve(ProfileCapture.MARKER)).hasContent("handoff-capture/1\nsource "
                    + source.toRealPath() + "\n/proc/iomem");
            try (Stream<Path> siblings = Files.list(tmp)) {
                assertThat(siblings.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("machine", "profile");
            }
        }
    }

    @Nested
    class Sources {
        @Test
        void aMissingSourceIsRefused() {
            Path missing = tmp.resolve("nonexistent");
            HandoffException e = refusal(() -> ProfileCapture.capture(new DirectorySystemView(missing), tmp.resolve("p")));
            assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE);
            assertThat(e.getMessage()).isEqualTo(missing + ": no such directory to capture");
            assertThat(tmp.resolve("p")).doesNotExist();
        }

        @Test
        void aHugeFileIsRefusedAsMalformed() throws IOException {
            try (RandomAccessFile f = new RandomAccessFile(source.resolve("proc/iomem").toFile(), "rw")) {
                f.setLength(DirectorySystemView.MAX_TEXT_FILE + 1L);
            }
            HandoffException e = refusal(() -> ProfileCapture.capture(new DirectorySystemView(source), tmp.resolve("p")));
            assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE);
            assertThat(e.getMessage()).isEqualTo("/proc/iomem: larger than 16 MiB under " + source + "; refused");
            try (Stream<Path> siblings = Files.list(tmp)) {
                assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("machine");
            }
        }

        @Test
        void kallsymsIsStreamedAndCutDown() throws IOException {
            StringBuilder big = new StringBuilder();
            for (int i = 0; i < 400_000; i++) {
                big.append(String.format("ffffffff%08x t sym_%d%n", i, i));
            }
            big.append("ffffffff81000000 T _stext\n");
            ProfileFiles.write(source, "/proc/kallsyms", big.toString());
            ProfileCapture.capture(new DirectorySystemView(source), tmp.resolve("p"));
            assertThat(tmp.resolve("p/proc/kallsyms")).hasContent("ffffffff81000000 T _stext");
        }
    }

    @Test
    void directoriesAre0700AndFiles0600() throws IOException {
        Path profile = tmp.resolve("new/profile");
        ProfileCapture.capture(new DirectorySystemView(source), profile);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile.resolve("proc"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile.resolve("proc/cmdline"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile.resolve(ProfileCapture.MARKER))))
                .isEqualTo("rw-------");
    }
}
