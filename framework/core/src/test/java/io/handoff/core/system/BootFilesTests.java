package io.handoff.core.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.core.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BootFilesTests {
    private final DirectorySystemView profile = new DirectorySystemView(Fixtures.profile("qemu-pc-x86_64-1g"));

    @Nested
    class CommandLine {
        @Test
        void profileCommandLineWithoutNewline() {
            assertThat(BootFiles.commandLine(profile))
                    .isEqualTo("console=ttyS0 crashkernel=256M panic=-1 probe.mode=capture");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "quiet\\n | quiet",
            "quiet\\n\\n | quiet",
            "quiet  \\n | 'quiet  '",
            "quiet | quiet",
            "\\n | ''",
        })
        void stripsOnlyTrailingNewlines(String text, String expected) {
            assertThat(BootFiles.commandLine(text.replace("\\n", "\n"))).isEqualTo(expected);
        }
    }

    @Nested
    class BootParams {
        @Test
        void profileZeroPageIsFourKilobytesWithTheSetupHeader() {
            byte[] zeroPage = BootFiles.bootParams(profile).orElseThrow();
            assertThat(zeroPage).hasSize(4096);
            // setup header magic "HdrS" at 0x202, boot protocol 2.15 at 0x206 (boot_params/version says 0x020f)
            assertThat(new String(zeroPage, 0x202, 4, StandardCharsets.US_ASCII)).isEqualTo("HdrS");
            assertThat((zeroPage[0x206] & 0xff) | (zeroPage[0x207] & 0xff) << 8).isEqualTo(0x020f);
        }

        @Test
        void absentOnNonX86(@TempDir Path root) {
            assertThat(BootFiles.bootParams(new DirectorySystemView(root))).isEmpty();
        }
    }
}
