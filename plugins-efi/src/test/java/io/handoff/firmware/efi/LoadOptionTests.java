package io.handoff.firmware.efi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LoadOptionTests {
    static final EspPartition MBR = new EspPartition(1, 2048, 0x10000, false,
            Arrays.copyOf(new byte[] {0x78, 0x56, 0x34, 0x12}, 16), "/dev/vda");

    @Test
    void bootEntryIsAttributesLengthDescriptionThenHardDriveFileAndEnd() {
        byte[] option = new LoadOption(LoadOption.ACTIVE, "handoff", MBR, "\\EFI\\x.efi").encode();
        ByteBuffer b = ByteBuffer.wrap(option).order(ByteOrder.LITTLE_ENDIAN);

        assertThat(b.getInt(0)).isEqualTo(1);
        int pathLength = Short.toUnsignedInt(b.getShort(4));
        int desc = 6 + 2 * ("handoff".length() + 1);
        assertThat(new String(option, 6, 14, StandardCharsets.UTF_16LE)).isEqualTo("handoff");
        assertThat(pathLength).isEqualTo(42 + 4 + 2 * ("\\EFI\\x.efi".length() + 1) + 4);
        assertThat(option).hasSize(desc + pathLength);
        // HD(1,MBR,0x12345678,0x800,0x10000)
        assertThat(Arrays.copyOfRange(option, desc, desc + 4)).containsExactly(4, 1, 42, 0);
        assertThat(b.getInt(desc + 4)).isEqualTo(1);
        assertThat(b.getLong(desc + 8)).isEqualTo(2048);
        assertThat(b.getLong(desc + 16)).isEqualTo(0x10000);
        assertThat(b.getInt(desc + 24)).isEqualTo(0x12345678);
        assertThat(option[desc + 40]).as("MBR format").isEqualTo((byte) 1);
        assertThat(option[desc + 41]).as("32-bit signature").isEqualTo((byte) 1);
        int file = desc + 42;
        assertThat(Arrays.copyOfRange(option, file, file + 2)).containsExactly(4, 4);
        assertThat(new String(option, file + 4, 2 * "\\EFI\\x.efi".length(), StandardCharsets.UTF_16LE))
                .isEqualTo("\\EFI\\x.efi");
        assertThat(Arrays.copyOfRange(option, option.length - 4, option.length)).containsExactly(0x7F, 0xFF, 4, 0);
        assertThat(LoadOption.description(option)).contains("handoff");
        assertThat(MBR.describe()).isEqualTo("HD(1,MBR,0x12345678,0x800,0x10000) on /dev/vda");
    }

    @Test
    void guidTextAndBytesRoundTrip() {
        String guid = "8be4df61-93ca-11d2-aa0d-00e098032b8c";

        assertThat(EspPartition.guidBytes(guid)).startsWith(0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11, 0xaa, 0x0d);
        assertThat(EspPartition.guid(EspPartition.guidBytes(guid))).isEqualTo(guid);
    }
}
