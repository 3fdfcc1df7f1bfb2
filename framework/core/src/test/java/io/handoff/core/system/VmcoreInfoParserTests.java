package io.handoff.core.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.VmcoreInfo;
import io.handoff.core.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VmcoreInfoParserTests {
    private static final String PATH = "/sys/kernel/vmcoreinfo";

    @Nested
    class Fixture {
        @Test
        void sizeIsHexadecimalLikeTheAddress() {
            // "0x00000000011f2000 1024": the guest's kexec -d printed the note size as 0x1024 (4132 bytes).
            assertThat(VmcoreInfoParser.read(new DirectorySystemView(Fixtures.profile("qemu-pc-x86_64-1g"))))
                    .contains(new VmcoreInfo(0x11f2000L, 0x1024L));
        }

        @Test
        void absentFileIsEmpty(@TempDir Path root) {
            assertThat(VmcoreInfoParser.read(new DirectorySystemView(root))).isEmpty();
        }
    }

    @Nested
    class Parsing {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "0x00000000011f2000 1024\\n | 0x11f2000 | 0x1024",
            "11f2000 ff8 | 0x11f2000 | 0xff8",
            "0X1000 0x10 | 0x1000 | 0x10",
        })
        void twoHexNumbers(String text, String address, String size) {
            assertThat(VmcoreInfoParser.parse(text.replace("\\n", "\n"), PATH)).isEqualTo(new VmcoreInfo(
                    Long.decode(address), Long.decode(size)));
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "0x11f2000 | /sys/kernel/vmcoreinfo line 1: expected '<address> <size>', got '0x11f2000'",
            "0x11f2000 1024 7 | /sys/kernel/vmcoreinfo line 1: expected '<address> <size>', got '0x11f2000 1024 7'",
            "0x11f2000 10k | /sys/kernel/vmcoreinfo line 1: not a hexadecimal number '10k'",
        })
        void rejectsOtherLines(String text, String message) {
            assertThatThrownBy(() -> VmcoreInfoParser.parse(text, PATH))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE))
                    .hasMessage(message);
        }
    }
}
