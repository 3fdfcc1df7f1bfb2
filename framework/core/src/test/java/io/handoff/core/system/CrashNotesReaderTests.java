package io.handoff.core.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.CrashNote;
import io.handoff.core.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashNotesReaderTests {
    @TempDir
    Path root;

    private List<CrashNote> read() {
        return CrashNotesReader.read(new DirectorySystemView(root));
    }

    @Test
    void readsBothCpusOfTheProfile() {
        assertThat(CrashNotesReader.read(new DirectorySystemView(Fixtures.profile("qemu-pc-x86_64-1g"))))
                .containsExactly(new CrashNote(0, 0x3ec3a400L, 368), new CrashNote(1, 0x3ed3a400L, 368));
    }

    @Nested
    class Synthetic {
        @Test
        void ordersCpusNumericallyAndIgnoresOtherEntries() {
            for (int cpu : new int[] {0, 1, 2, 10, 11}) {
                ProfileFiles.write(root, "/sys/devices/system/cpu/cpu" + cpu + "/crash_notes",
                        Long.toHexString(0x100000L + cpu * 0x1000L) + "\n");
                ProfileFiles.write(root, "/sys/devices/system/cpu/cpu" + cpu + "/crash_notes_size", "368\n");
            }
            ProfileFiles.write(root, "/sys/devices/system/cpu/cpufreq/crash_notes", "1234\n");
            ProfileFiles.write(root, "/sys/devices/system/cpu/online", "0-11\n");
            assertThat(read()).extracting(CrashNote::cpu).containsExactly(0, 1, 2, 10, 11);
            assertThat(read().get(3)).isEqualTo(new CrashNote(10, 0x10a000L, 368));
        }

        @Test
        void sizeDefaultsTo1024AndHexMayCarryAPrefix() {
            ProfileFiles.write(root, "/sys/devices/system/cpu/cpu0/crash_notes", "0x3ec3a400\n");
            assertThat(read()).containsExactly(new CrashNote(0, 0x3ec3a400L, 1024));
        }

        @Test
        void skipsACpuWithoutCrashNotes() {
            ProfileFiles.write(root, "/sys/devices/system/cpu/cpu0/crash_notes", "1000\n");
            ProfileFiles.write(root, "/sys/devices/system/cpu/cpu1/online", "0\n");
            assertThat(read()).containsExactly(new CrashNote(0, 0x1000L, 1024));
        }
    }

    @Nested
    class Rejects {
        @Test
        void missingCpuDirectoryIsUnreadable() {
            assertThatThrownBy(CrashNotesReaderTests.this::read)
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessageStartingWith("/sys/devices/system/cpu: no such directory under ");
        }

        @Test
        void badAddress() {
            ProfileFiles.write(root, "/sys/devices/system/cpu/cpu0/crash_notes", "nope\n");
            assertThatThrownBy(CrashNotesReaderTests.this::read)
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE))
                    .hasMessage("/sys/devices/system/cpu/cpu0/crash_notes: not a hexadecimal number 'nope'");
        }

        @Test
        void hexSizeIsNotDecimal() {
            ProfileFiles.write(root, "/sys/devices/system/cpu/cpu0/crash_notes", "1000\n");
            ProfileFiles.write(root, "/sys/devices/system/cpu/cpu0/crash_notes_size", "0x170\n");
            assertThatThrownBy(CrashNotesReaderTests.this::read)
                    .hasMessage("/sys/devices/system/cpu/cpu0/crash_notes_size: not a decimal number '0x170'");
        }
    }
}
