package io.handoff.core.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.core.testing.Fixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySystemViewTests {
    @TempDir
    Path root;

    @Nested
    class Paths {
        @Test
        void mapsMachinePathsUnderTheRoot() {
            DirectorySystemView view = new DirectorySystemView(root);
            assertThat(view.root()).isEqualTo(root.toAbsolutePath().normalize());
            assertThat(view.resolve("/proc/iomem")).isEqualTo(view.root().resolve("proc/iomem"));
        }

        @Test
        void liveViewIsRootedAtSlash() {
            assertThat(DirectorySystemView.live().resolve("/proc/iomem")).isEqualTo(Path.of("/proc/iomem"));
        }

        @Test
        void refusesRelativePathsAndEscapes() {
            DirectorySystemView view = new DirectorySystemView(root);
            assertThatThrownBy(() -> view.resolve("proc/iomem")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> view.resolve("/proc/../../etc/passwd"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaves the root");
        }
    }

    @Nested
    class Reading {
        @Test
        void readsTextAndBytes() {
            ProfileFiles.write(root, "/proc/cmdline", "quiet\n");
            DirectorySystemView view = new DirectorySystemView(root);
            assertThat(view.exists("/proc/cmdline")).isTrue();
            assertThat(view.readString("/proc/cmdline")).isEqualTo("quiet\n");
            assertThat(view.readBytes("/proc/cmdline", 3)).containsExactly('q', 'u', 'i');
            assertThat(view.readBytes("/proc/cmdline", 100)).hasSize(6);
        }

        @Test
        void readsOnlyTheLimitOfKcore() {
            DirectorySystemView view = new DirectorySystemView(Fixtures.profile("qemu-pc-x86_64-1g"));
            byte[] head = view.readBytes("/proc/kcore", 64);
            assertThat(head).hasSize(64).startsWith(0x7f, 'E', 'L', 'F');
        }

        @Test
        void missingFileIsUnreadableAndNamed() {
            DirectorySystemView view = new DirectorySystemView(root);
            assertThat(view.exists("/proc/iomem")).isFalse();
            String expected = "/proc/iomem: no such file under " + view.root();
            assertThatThrownBy(() -> view.readString("/proc/iomem"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage(expected);
            assertThatThrownBy(() -> view.readBytes("/proc/iomem", 10)).hasMessage(expected);
        }

        @Test
        void directoryIsUnreadable() {
            ProfileFiles.write(root, "/proc/x/y", "");
            DirectorySystemView view = new DirectorySystemView(root);
            assertThatThrownBy(() -> view.readString("/proc/x"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage("/proc/x: is a directory, not a regular file, under " + root + "; refused");
        }
    }

    @Nested
    class Limits {
        @Test
        void aFifoIsRefusedByNameInsteadOfBlocking() throws Exception {
            Files.createDirectories(root.resolve("proc"));
            mkfifo(root.resolve("proc/iomem"));
            DirectorySystemView view = new DirectorySystemView(root);
            assertThatThrownBy(() -> view.readString("/proc/iomem"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage("/proc/iomem: is a FIFO, not a regular file, under " + root + "; refused");
        }

        @Test
        void aFileOverTheCapIsRefusedAsMalformed() throws IOException {
            Files.createDirectories(root.resolve("proc"));
            try (RandomAccessFile f = new RandomAccessFile(root.resolve("proc/iomem").toFile(), "rw")) {
                f.setLength(DirectorySystemView.MAX_TEXT_FILE + 1L);
            }
            DirectorySystemView view = new DirectorySystemView(root);
            assertThatThrownBy(() -> view.readString("/proc/iomem"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE))
                    .hasMessage("/proc/iomem: larger than 16 MiB under " + root
                            + "; refused (no machine file is that large)");
        }

        @Test
        void aSymbolicLinkOutOfTheRootIsRefused() throws IOException {
            Files.createDirectories(root.resolve("proc"));
            Files.createSymbolicLink(root.resolve("proc/kallsyms"), Path.of("/dev/zero"));
            DirectorySystemView view = new DirectorySystemView(root);
            assertThatThrownBy(() -> view.readBytes("/proc/kallsyms", 10))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage("/proc/kallsyms: a symbolic link out of the profile root " + root
                            + " (to /dev/zero); refused");
        }

        @Test
        void aSymbolicLinkInsideTheRootIsFollowed() throws IOException {
            ProfileFiles.write(root, "/proc/cmdline.real", "quiet\n");
            Files.createSymbolicLink(root.resolve("proc/cmdline"), Path.of("cmdline.real"));
            assertThat(new DirectorySystemView(root).readString("/proc/cmdline")).isEqualTo("quiet\n");
        }
    }

    static void mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }

    @Nested
    class Listing {
        @Test
        void listsSortedNames() {
            for (String n : new String[] {"10", "2", "1", "0"}) {
                ProfileFiles.write(root, "/sys/firmware/memmap/" + n + "/start", "0x0\n");
            }
            assertThat(new DirectorySystemView(root).list("/sys/firmware/memmap")).containsExactly("0", "1", "10", "2");
        }

        @Test
        void absentDirectoryOrFileListsEmpty() {
            ProfileFiles.write(root, "/proc/iomem", "");
            DirectorySystemView view = new DirectorySystemView(root);
            assertThat(view.list("/sys/firmware/memmap")).isEmpty();
            assertThat(view.list("/proc/iomem")).isEmpty();
        }
    }
}
