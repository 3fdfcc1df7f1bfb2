package io.handoff.core.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.FirmwareMemmapEntry;
import io.handoff.api.machine.RangeType;
import io.handoff.core.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FirmwareMemmapReaderTests {
    @TempDir
    Path root;

    private void entry(int index, String start, String end, String type) {
        ProfileFiles.write(root, "/sys/firmware/memmap/" + index + "/start", start + "\n");
        ProfileFiles.write(root, "/sys/firmware/memmap/" + index + "/end", end + "\n");
        ProfileFiles.write(root, "/sys/firmware/memmap/" + index + "/type", type + "\n");
    }

    private List<FirmwareMemmapEntry> read() {
        return FirmwareMemmapReader.read(new DirectorySystemView(root));
    }

    @Nested
    class Profile {
        @Test
        void readsTheSevenE820Entries() {
            List<FirmwareMemmapEntry> map =
                    FirmwareMemmapReader.read(new DirectorySystemView(Fixtures.profile("qemu-pc-x86_64-1g")));
            assertThat(map).containsExactly(
                    new FirmwareMemmapEntry(0, 0x0L, 0x9fbffL, "System RAM"),
                    new FirmwareMemmapEntry(1, 0x9fc00L, 0x9ffffL, "Reserved"),
                    new FirmwareMemmapEntry(2, 0xf0000L, 0xfffffL, "Reserved"),
                    new FirmwareMemmapEntry(3, 0x100000L, 0x3ffdffffL, "System RAM"),
                    new FirmwareMemmapEntry(4, 0x3ffe0000L, 0x3fffffffL, "Reserved"),
                    new FirmwareMemmapEntry(5, 0xfffc0000L, 0xffffffffL, "Reserved"),
                    new FirmwareMemmapEntry(6, 0xfd00000000L, 0xffffffffffL, "Reserved"));
            assertThat(map.get(3).range().type()).isEqualTo(RangeType.RAM);
        }
    }

    @Nested
    class Synthetic {
        @Test
        void ordersDirectoriesNumericallyNotLexically() {
            for (int i = 0; i <= 11; i++) {
                entry(i, String.format("0x%x", i * 0x1000L), String.format("0x%x", i * 0x1000L + 0xfff), "System RAM");
            }
            ProfileFiles.write(root, "/sys/firmware/memmap/README", "not an entry");
            assertThat(read()).extracting(FirmwareMemmapEntry::index)
                    .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
            assertThat(read().get(10).start()).isEqualTo(0xa000L);
        }

        @Test
        void absentDirectoryIsAnEmptyMap() {
            assertThat(read()).isEmpty();
        }

        @Test
        void keepsTypeNamesWithSpaces() {
            entry(0, "0x100000", "0x1fffff", "ACPI Non-volatile Storage");
            assertThat(read()).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo("ACPI Non-volatile Storage");
                assertThat(e.range().type()).isEqualTo(RangeType.ACPI_NVS);
            });
        }
    }

    @Nested
    class Rejects {
        @ParameterizedTest(name = "{0}-{1}")
        @CsvSource(delimiter = '|', value = {
            "0xzz | 0x1000 | /sys/firmware/memmap/0/start: not a hexadecimal number '0xzz'",
            "0x2000 | 0x1000 | /sys/firmware/memmap/0: inverted range 0x2000-0x1000",
            "0x0 | 0x8000000000000000 | /sys/firmware/memmap/0/end: address 0x8000000000000000 is 2^63 or more",
            "0x0 | 12ab | /sys/firmware/memmap/0/end: not a decimal number '12ab'",
        })
        void badNumbers(String start, String end, String message) {
            entry(0, start, end, "System RAM");
            assertThatThrownBy(FirmwareMemmapReaderTests.this::read)
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE))
                    .hasMessage(message);
        }

        @Test
        void entryWithoutTypeIsUnreadable() {
            ProfileFiles.write(root, "/sys/firmware/memmap/0/start", "0x0\n");
            ProfileFiles.write(root, "/sys/firmware/memmap/0/end", "0xfff\n");
            assertThatThrownBy(FirmwareMemmapReaderTests.this::read)
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessageStartingWith("/sys/firmware/memmap/0/type: no such file under ");
        }
    }
}
