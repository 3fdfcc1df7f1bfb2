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
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KallsymsParserTests {
    private static final String PATH = "/proc/kallsyms";

    @Test
    void readsTheProfileSymbols() {
        Map<String, Long> syms = KallsymsParser.read(new DirectorySystemView(Fixtures.profile("qemu-pc-x86_64-1g")));
        assertThat(syms).containsOnlyKeys("startup_64", "_stext", "_text", "_etext", "_edata", "_end");
        assertThat(syms.get("_stext")).isEqualTo(0xffffffff99c00000L);
        assertThat(syms.get("_end")).isEqualTo(0xffffffff9d030000L);
    }

    @Nested
    class Streaming {
        @TempDir
        Path root;

        @Test
        void aLineWithoutEndIsRefusedAfterItsBoundNotReadWhole() throws IOException {
            Files.createDirectories(root.resolve("proc"));
            try (RandomAccessFile f = new RandomAccessFile(root.resolve("proc/kallsyms").toFile(), "rw")) {
                f.setLength(1L << 30); // a sparse GiB of zero bytes and no newline
            }
            assertThatThrownBy(() -> KallsymsParser.read(new DirectorySystemView(root)))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE))
                    .hasMessage("/proc/kallsyms line 1: longer than 1024 bytes");
        }

        @Test
        void aLinkToDevZeroIsRefused() throws IOException {
            Files.createDirectories(root.resolve("proc"));
            Files.createSymbolicLink(root.resolve("proc/kallsyms"), Path.of("/dev/zero"));
            assertThatThrownBy(() -> KallsymsParser.read(new DirectorySystemView(root)))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage("/proc/kallsyms: a symbolic link out of the profile root " + root
                            + " (to /dev/zero); refused");
        }

        @Test
        void aLastLineWithoutNewlineIsParsed() {
            ProfileFiles.write(root, PATH, "ffffffff81000000 T _stext\nffffffff81000010 T _text");
            assertThat(KallsymsParser.read(new DirectorySystemView(root)))
                    .containsExactly(Map.entry("_stext", 0xffffffff81000000L), Map.entry("_text", 0xffffffff81000010L));
        }
    }

    @Nested
    class Parsing {
        @Test
        void firstOccurrenceWinsAndModulesAreTolerated() {
            Map<String, Long> syms = KallsymsParser.parse("""
                    ffffffff81000000 T _stext
                    ffffffffc0a01000 t init_module\t[e1000]
                    ffffffffc0b02000 t init_module\t[ixgbe]
                    ffffffff82000000 T _stext
                    """, PATH);
            assertThat(syms).containsExactly(
                    Map.entry("_stext", 0xffffffff81000000L), Map.entry("init_module", 0xffffffffc0a01000L));
        }

        @Test
        void keepsZeroAddressesOfAnUnprivilegedRead() {
            assertThat(KallsymsParser.parse("0000000000000000 T _stext\n", PATH)).containsEntry("_stext", 0L);
        }

        @Test
        void emptyFileHasNoSymbols() {
            assertThat(KallsymsParser.parse("", PATH)).isEmpty();
        }
    }

    @Nested
    class Rejects {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "ffffffff81000000 _stext | /proc/kallsyms line 2: not '<address> <type> <name> [module]': 'ffffffff81000000 _stext'",
            "ffffffff81000000 TT _stext | /proc/kallsyms line 2: not '<address> <type> <name> [module]': 'ffffffff81000000 TT _stext'",
            "ffffffff81000000 t x y | /proc/kallsyms line 2: not '<address> <type> <name> [module]': 'ffffffff81000000 t x y'",
            "fffffffg81000000 T _stext | /proc/kallsyms line 2: not a hexadecimal number 'fffffffg81000000'",
            "1ffffffff81000000 T _stext | /proc/kallsyms line 2: number 1ffffffff81000000 does not fit in 64 bits",
        })
        void malformedLines(String line, String message) {
            assertThatThrownBy(() -> KallsymsParser.parse("ffffffff81000000 T _text\n" + line + "\n", PATH))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE))
                    .hasMessage(message);
        }
    }
}
