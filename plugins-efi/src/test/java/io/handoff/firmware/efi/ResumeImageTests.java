package io.handoff.firmware.efi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The resume application the build put into the plugin's classes (src/main/efi/build-efi.sh at compile): firmware
 * loads it only as a PE32+ x86-64 EFI application, and relocates it (gnu-efi links it at 0) only through .reloc.
 */
class ResumeImageTests {

    static final Path IMAGE = Path.of("target/classes/efi/handoff-resume.efi");

    @Test
    void theResumeApplicationIsAPe32PlusX8664EfiApplicationWithRelocations() throws Exception {
        // a plain build without gnu-efi leaves the application out (build-efi.sh warns); ./run-tests must have it
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(IMAGE)
                || "1".equals(System.getenv("HANDOFF_TESTS_STRICT")), "no gnu-efi: the resume application was not built");
        assertThat(IMAGE).as("built by build-efi.sh in the compile phase").isRegularFile();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(IMAGE)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(0)).as("MZ").isEqualTo((short) 0x5a4d);
        int pe = b.getInt(0x3c);
        assertThat(b.getInt(pe)).as("PE\\0\\0").isEqualTo(0x4550);
        int coff = pe + 4;
        assertThat(Short.toUnsignedInt(b.getShort(coff))).as("machine").isEqualTo(0x8664);
        int sections = Short.toUnsignedInt(b.getShort(coff + 2));
        int optSize = Short.toUnsignedInt(b.getShort(coff + 16));
        int opt = coff + 20;
        assertThat(Short.toUnsignedInt(b.getShort(opt))).as("optional header magic (PE32+)").isEqualTo(0x20b);
        assertThat(Short.toUnsignedInt(b.getShort(opt + 68))).as("subsystem (EFI application)").isEqualTo(10);
        assertThat(b.getInt(opt + 16)).as("entry point").isNotZero();
        // data directory 5: base relocations, the table .reloc holds
        int relocRva = b.getInt(opt + 112 + 5 * 8);
        int relocSize = b.getInt(opt + 112 + 5 * 8 + 4);
        List<String> names = new ArrayList<>();
        int relocSectionRva = -1;
        for (int i = 0; i < sections; i++) {
            int s = opt + optSize + 40 * i;
            byte[] name = new byte[8];
            b.get(s, name);
            String n = new String(name, StandardCharsets.US_ASCII).replace("\0", "");
            names.add(n);
            if (n.equals(".reloc")) {
                relocSectionRva = b.getInt(s + 12);
            }
        }
        assertThat(names).contains(".text", ".data", ".reloc");
        assertThat(relocSize).as("base relocation directory size").isPositive();
        assertThat(relocRva).as("base relocation directory in .reloc").isEqualTo(relocSectionRva);
    }
}
