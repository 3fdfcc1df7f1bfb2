package io.handoff.platforms.x86_64;

import io.handoff.core.testing.Fixtures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZeroPageTests {
    static final String GUEST_LINE = "console=ttyS0 irqpoll nr_cpus=1 reset_devices probe.mode=kdump";

    @TempDir
    Path dir;

    BzImage image(SyntheticBzImage synthetic) {
        return BzImageParser.parse(synthetic.write(dir.resolve("vmlinuz")));
    }

    static byte[] hostBootParams() throws IOException {
        return Files.readAllBytes(Fixtures.profile("qemu-pc-x86_64-1g").resolve("sys/kernel/boot_params/data"));
    }

    static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Nested
    class Page {
        @Test
        void holdsOnlyTheSetupHeaderAndWhatKexecToolsFillsIn() throws IOException {
            SyntheticBzImage synthetic = new SyntheticBzImage().u32(0x23C, 0x77);
            byte[] host = hostBootParams();

            ZeroPage page = ZeroPage.create(image(synthetic), GUEST_LINE, Optional.of(host));

            byte[] expected = new byte[4096];
            System.arraycopy(host, 0, expected, 0, 0x40); // screen_info of the running kernel
            System.arraycopy(synthetic.head.array(), 0x1F1, expected, 0x1F1, 0x26C - 0x1F1); // header only
            le(expected).putShort(0x20, (short) 0xA33F) // cl_magic
                    .putShort(0x22, (short) 0x5000) // cl_offset: the command line follows the 20 KiB setup
                    .putShort(0x02, (short) 0) // ext_mem_k: only the memory map sets it
                    .putLong(0x70, 0xF59C0) // acpi_rsdp_addr of the running kernel
                    .putShort(0x1F2, (short) 0xFFFF) // mount_root_rdonly
                    .putShort(0x1FC, (short) 0x0300) // root_dev
                    .put(0x1FF, (byte) 0) // kexec-tools' aux_device_info: clears boot_flag's high byte 0xAA
                    .put(0x210, (byte) 0xD0) // type_of_loader: kexec
                    .put(0x211, (byte) 0) // loadflags
                    .putInt(0x23C, 0); // hardware_subarch of the running kernel (PC)
            assertThat(HexFormat.of().formatHex(page.bytes())).isEqualTo(HexFormat.of().formatHex(expected));
            assertThat(page.acpiRsdp()).isEqualTo(0xF59C0);
        }

        @Test
        void neverCopiesBytesPastTheSetupHeader() {
            ZeroPage page = ZeroPage.create(image(new SyntheticBzImage()), "", Optional.empty());

            assertThat(page.bytes()[0x26C]).isZero(); // 0x8C in the image
            assertThat(page.bytes()[0x26B]).isEqualTo((byte) 0); // last header byte of the image (zero there)
            assertThat(Arrays.copyOfRange(page.bytes(), 0x26C, 4096)).containsOnly(0);
        }

        @Test
        void usesKexecToolsDefaultScreenWithoutTheRunningKernelsBootParams() {
            ZeroPage page = ZeroPage.create(image(new SyntheticBzImage().u32(0x23C, 1)), "", Optional.empty());

            ByteBuffer b = page.block();
            assertThat(b.get(0x07)).isEqualTo((byte) 80);
            assertThat(b.get(0x0E)).isEqualTo((byte) 25);
            assertThat(b.get(0x0F)).isEqualTo((byte) 1);
            assertThat(b.getShort(0x10)).isEqualTo((short) 16);
            assertThat(b.getInt(0x23C)).as("hardware_subarch stays the image's").isEqualTo(1);
            assertThat(page.acpiRsdp()).isZero();
        }

        @Test
        void writesThroughTheBlockView() {
            ZeroPage page = ZeroPage.create(image(new SyntheticBzImage()), "", Optional.empty());

            page.block().putInt(0x1C0, 0x12345678);

            assertThat(le(page.bytes()).getInt(0x1C0)).isEqualTo(0x12345678);
            assertThat(page.block().position()).isZero();
        }
    }

    @Nested
    class SetupSegment {
        @Test
        void hasKexecToolsLayoutAndTheGuestsSize() throws IOException {
            ZeroPage page = ZeroPage.create(image(new SyntheticBzImage()), GUEST_LINE, Optional.of(hostBootParams()));
            page.appendCommandLine("acpi_rsdp=0xf59c0");
            page.appendCommandLine("elfcorehdr=1015156K");

            byte[] segment = page.setupSegment(0x3DF4E000L);

            // seg2 of the guest's kexec -p -d: bufsz=0x50a5 mem=0x3df4e000
            assertThat(segment).hasSize(0x50A5).hasSize(page.setupSegmentLength());
            String line = GUEST_LINE + " acpi_rsdp=0xf59c0 elfcorehdr=1015156K";
            assertThat(new String(segment, 0x5000, line.length(), StandardCharsets.US_ASCII)).isEqualTo(line);
            assertThat(Arrays.copyOfRange(segment, 0x5000 + line.length(), segment.length)).containsOnly(0);
            assertThat(Arrays.copyOfRange(segment, 4096, 0x5000)).containsOnly(0);
            assertThat(le(segment).getInt(0x228)).isEqualTo(0x3DF53000);
            assertThat(le(segment).getInt(0x0C8)).isZero();
            assertThat(Arrays.copyOf(segment, 4096)).isEqualTo(page.bytes());
        }

        @Test
        void putsTheCommandLineAtOffset4096ForASmallSetup() {
            ZeroPage page = ZeroPage.create(image(new SyntheticBzImage().u8(0x1F1, 4).u32(0x1F4, 0)), "quiet",
                    Optional.empty());

            assertThat(page.commandLineOffset()).isEqualTo(4096);
            assertThat(page.setupSegmentLength()).isEqualTo(4096 + 6 + 64);
            assertThat(le(page.bytes()).getShort(0x22)).isEqualTo((short) 4096);
        }

        @Test
        void splitsACommandLinePointerAbove4GiB() {
            ZeroPage page = ZeroPage.create(image(new SyntheticBzImage()), "quiet", Optional.empty());

            byte[] segment = page.setupSegment(0x1_2345_6000L);

            assertThat(le(segment).getInt(0x228)).isEqualTo(0x2345B000);
            assertThat(le(segment).getInt(0x0C8)).isEqualTo(1);
        }
    }

    @Nested
    class Ramdisk {
        @Test
        void storesAddressAndSizeBelow4GiB() {
            ZeroPage page = ZeroPage.create(image(new SyntheticBzImage()), "", Optional.empty());

            page.setRamdisk(0x3DE41000L, 0x10C35A);

            ByteBuffer b = page.block();
            assertThat(b.getInt(0x218)).isEqualTo(0x3DE41000);
            assertThat(b.getInt(0x21C)).isEqualTo(0x10C35A);
            assertThat(b.getInt(0x0C0)).isZero();
            assertThat(b.getInt(0x0C4)).isZero();
        }

        @Test
        void splitsAddressAndSizeAbove4GiB() {
            ZeroPage page = ZeroPage.create(image(new SyntheticBzImage()), "", Optional.empty());

            page.setRamdisk(0x2_7000_0000L, 0x1_0000_1000L);

            ByteBuffer b = page.block();
            assertThat(b.getInt(0x218)).isEqualTo(0x70000000);
            assertThat(b.getInt(0x0C0)).isEqualTo(2);
            assertThat(b.getInt(0x21C)).isEqualTo(0x1000);
            assertThat(b.getInt(0x0C4)).isEqualTo(1);
        }
    }

    @Nested
    class CommandLine {
        @Test
        void refusesALineOverTheKernelsLimit() {
            BzImage image = image(new SyntheticBzImage());

            assertThatThrownBy(() -> ZeroPage.create(image, "x".repeat(2048), Optional.empty()))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.COMMAND_LINE_TOO_LONG))
                    .hasMessage(image.file() + ": command line is 2048 bytes; this kernel takes at most 2047");
        }

        @Test
        void takesALineOfExactlyTheLimit() {
            ZeroPage page = ZeroPage.create(image(new SyntheticBzImage()), "x".repeat(2047), Optional.empty());

            assertThat(page.setupSegmentLength()).isEqualTo(0x5000 + 2048 + 64);
        }

        @Test
        void honoursASmallerCmdlineSize() {
            BzImage image = image(new SyntheticBzImage().u32(0x238, 255));
            ZeroPage page = ZeroPage.create(image, "x".repeat(250), Optional.empty());

            assertThat(page.commandLineLimit()).isEqualTo(255);
            assertThatThrownBy(() -> page.appendCommandLine("elfcorehdr=1K"))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.COMMAND_LINE_TOO_LONG))
                    .hasMessage(image.file() + ": command line is 264 bytes; this kernel takes at most 255");
            assertThat(page.commandLine()).hasSize(250);
        }

        @Test
        void countsBytesNotCharacters() {
            BzImage image = image(new SyntheticBzImage().u32(0x238, 10));

            assertThatThrownBy(() -> ZeroPage.create(image, "é".repeat(6), Optional.empty()))
                    .hasMessageEndingWith("command line is 12 bytes; this kernel takes at most 10");
        }
    }

    @Nested
    class SetupDataChain {
        @Test
        void pushesEachPlacedNodeAtTheHeadAsKexecToolsDoes() {
            ZeroPage page = ZeroPage.create(image(new SyntheticBzImage()), "", Optional.empty());
            page.addLinkedData(1, new byte[] {1, 2, 3});
            page.addLinkedData(9, new byte[32]);
            SetupData first = page.pendingSetupData().get(0);
            SetupData second = page.pendingSetupData().get(1);

            byte[] firstBytes = page.setupDataNode(first);
            page.linkSetupData(first, 0x100000);
            byte[] secondBytes = page.setupDataNode(second);
            page.linkSetupData(second, 0x101000);

            assertThat(firstBytes).hasSize(19);
            assertThat(le(firstBytes).getLong(0)).isZero();
            assertThat(le(firstBytes).getInt(8)).isEqualTo(1);
            assertThat(le(firstBytes).getInt(12)).isEqualTo(3);
            assertThat(Arrays.copyOfRange(firstBytes, 16, 19)).containsExactly(1, 2, 3);
            assertThat(le(secondBytes).getLong(0)).isEqualTo(0x100000);
            assertThat(le(secondBytes).getInt(8)).isEqualTo(9);
            assertThat(le(secondBytes).getInt(12)).isEqualTo(32);
            assertThat(page.setupDataHead()).isEqualTo(0x101000);
            assertThat(le(page.bytes()).getLong(0x250)).isEqualTo(0x101000);
            assertThat(page.pendingSetupData()).isEmpty();
        }

        @Test
        void refusesToLinkANodeThatWasNeverQueued() {
            ZeroPage page = ZeroPage.create(image(new SyntheticBzImage()), "", Optional.empty());

            assertThatThrownBy(() -> page.linkSetupData(new SetupData(1, new byte[1]), 0x100000))
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
