package io.handoff.core.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.core.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reading the kernel's kexec state from a machine root.
 */
class KexecStatusTests {
    @TempDir
    Path root;

    static void write(Path root, String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @Nested
    class FromFiles {
        @Test
        void readsLoadedCrashLoadedAndCrashSize() throws IOException {
            write(root, KexecStatus.KEXEC_LOADED, "0\n");
            write(root, KexecStatus.KEXEC_CRASH_LOADED, "1\n");
            write(root, KexecStatus.KEXEC_CRASH_SIZE, "268435456\n");
            write(root, KexecStatus.LOAD_DISABLED, "0\n");

            KexecStatus s = KexecStatus.read(root);

            assertThat(s.supported()).isTrue();
            assertThat(s.loaded()).isFalse();
            assertThat(s.crashLoaded()).isTrue();
            assertThat(s.crashSize()).isEqualTo(256L << 20);
            assertThat(s.loadDisabled()).contains(false);
            assertThat(s.lockdown()).isEmpty();
            assertThat(s.lockedDown()).isFalse();
        }

        @Test
        void aKernelWithoutKexecHasNoneOfTheFiles() {
            KexecStatus s = KexecStatus.read(root);

            assertThat(s.supported()).isFalse();
            assertThat(s.crashSize()).isZero();
            assertThat(s.loadDisabled()).isEmpty();
        }

        @Test
        void theCapturedQemuProfileHasItsCrashReservation() {
            KexecStatus s = KexecStatus.read(Fixtures.profile("qemu-pc-x86_64-1g"));

            assertThat(s.crashSize()).isEqualTo(268_435_456L);
            assertThat(s.crashLoaded()).isFalse();
        }

        @Test
        void kexecLoadDisabledIsSeen() throws IOException {
            write(root, KexecStatus.LOAD_DISABLED, "1\n");

            assertThat(KexecStatus.read(root).loadDisabled()).contains(true);
        }
    }

    @Nested
    class Lockdown {
        @ParameterizedTest(name = "\"{0}\" is {1}")
        @CsvSource(delimiter = '|', value = {
            "[none] integrity confidentiality|none|false",
            "none [integrity] confidentiality|integrity|true",
            "none integrity [confidentiality]|confidentiality|true"})
        void theModeInBracketsDecides(String file, String mode, boolean locked) throws IOException {
            write(root, KexecStatus.LOCKDOWN, file + "\n");

            KexecStatus s = KexecStatus.read(root);

            assertThat(s.lockdown()).contains(mode);
            assertThat(s.lockedDown()).isEqualTo(locked);
        }

        @Test
        void noBracketMeansUnknown() {
            assertThat(KexecStatus.selectedLockdown("none integrity")).isEqualTo(Optional.empty());
        }
    }
}
