package io.handoff.platforms.x86_64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.SegmentData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BzImageParserTests {
    @TempDir
    Path dir;

    @Nested
    class AcceptedImage {
        @Test
        void readsEverySetupHeaderField() {
            Path file = new SyntheticBzImage().write(dir.resolve("vmlinuz"));

            BzImage image = BzImageParser.parse(file);

            assertThat(image.file()).isEqualTo(file);
            assertThat(image.fileSize()).isEqualTo(0x5000 + 0x1000);
            assertThat(image.setupSects()).isEqualTo(39);
            assertThat(image.kern16Size()).isEqualTo(0x5000);
            assertThat(image.kernelLength()).isEqualTo(0x1000);
            assertThat(image.kernelSlice()).isEqualTo(new SegmentData.FileSlice(file, 0x5000, 0x1000));
            assertThat(image.syssize()).isEqualTo(0x100);
            assertThat(image.protocolVersion()).isEqualTo(0x020F);
            assertThat(image.protocol()).isEqualTo("2.15");
            assertThat(image.loadFlags()).isEqualTo(1);
            assertThat(image.xloadFlags()).isEqualTo(0x7F);
            assertThat(image.initrdAddrMax()).isEqualTo(0x7FFFFFFFL);
            assertThat(image.kernelAlignment()).isEqualTo(0x200000);
            assertThat(image.relocatable()).isTrue();
            assertThat(image.minAlignment()).isEqualTo(21);
            assertThat(image.cmdlineSize()).isEqualTo(2047);
            assertThat(image.commandLineLimit()).isEqualTo(2047);
            assertThat(image.prefAddress()).isEqualTo(0x1000000);
            assertThat(image.minLoadAddress()).isEqualTo(0x1000000);
            assertThat(image.initSize()).isEqualTo(0x3F98000);
            assertThat(image.kernelMemsz()).isEqualTo(0x3F98000);
            assertThat(image.handoverOffset()).isEqualTo(0x7C8DB0);
            assertThat(image.efiKexec()).isTrue();
            assertThat(image.efiHandover32()).isTrue();
            assertThat(image.efiHandover64()).isTrue();
            assertThat(image.headerEnd()).isEqualTo(0x26C);
        }

        @Test
        void keepsTheRawSetupHeaderFrom0x1F1ToItsEnd() {
            SyntheticBzImage synthetic = new SyntheticBzImage();
            BzImage image = BzImageParser.parse(synthetic.write(dir.resolve("vmlinuz")));

            assertThat(image.setupHeader()).hasSize(0x26C - 0x1F1)
                    .isEqualTo(Arrays.copyOfRange(synthetic.head.array(), 0x1F1, 0x26C));
        }

        @Test
        void capsTheSetupHeaderCopyAt0x7FBytesAsKexecToolsDoes() {
            // jump offset 0x7F: the header would end at 0x281, 0x90 bytes from 0x1F1
            BzImage image = BzImageParser.parse(new SyntheticBzImage().u8(0x201, 0x7F).write(dir.resolve("k")));

            assertThat(image.headerEnd()).isEqualTo(0x281);
            assertThat(image.setupHeader()).hasSize(0x7F);
        }

        @Test
        void readsSetupSectsZeroAsFour() {
            BzImage image = BzImageParser.parse(new SyntheticBzImage().u8(0x1F1, 0).u32(0x1F4, 0).write(dir.resolve("k")));

            assertThat(image.setupSects()).isEqualTo(4);
            assertThat(image.kern16Size()).isEqualTo(5 * 512);
        }

        @Test
        void raisesTheMinimumLoadAddressToOneMegabyte() {
            BzImage image = BzImageParser.parse(new SyntheticBzImage().u32(0x258, 0).u32(0x25C, 0)
                    .u32(0x260, 0x1234).write(dir.resolve("k")));

            assertThat(image.minLoadAddress()).isEqualTo(0x100000);
            assertThat(image.kernelMemsz()).isEqualTo(0x2000);
        }

        @Test
        void limitsTheCommandLineToTheSmallerOfCmdlineSizeAnd2047() {
            BzImage small = BzImageParser.parse(new SyntheticBzImage().u32(0x238, 255).write(dir.resolve("a")));
            BzImage big = BzImageParser.parse(new SyntheticBzImage().u32(0x238, 0x10000).write(dir.resolve("b")));

            assertThat(small.commandLineLimit()).isEqualTo(255);
            assertThat(big.commandLineLimit()).isEqualTo(2047);
        }

        @Test
        void readsOnlyTheHeadOfAHugeImage() {
            // a 3 GiB sparse file: reading it whole would blow the heap of any test JVM
            Path file = new SyntheticBzImage().length(3L << 30).write(dir.resolve("huge"));

            BzImage image = BzImageParser.parse(file);

            assertThat(image.fileSize()).isEqualTo(3L << 30);
            assertThat(image.kernelLength()).isEqualTo((3L << 30) - 0x5000);
        }
    }

    @Nested
    class RejectedImage {
        static Stream<Arguments> problems() {
            return Stream.of(
                    Arguments.of("shorter than 1024 bytes", op(s -> s.length(1000)),
                            "truncated: 1000 bytes, a bzImage has at least 1024"),
                    Arguments.of("no boot flag", op(s -> s.u16(0x1FE, 0x1234)),
                            "no x86 boot sector: boot_flag at 0x1fe is 0x1234, expected 0xaa55"),
                    Arguments.of("no HdrS", op(s -> s.u8(0x202, 'X')), "not a bzImage: no \"HdrS\" signature at 0x202"),
                    Arguments.of("protocol 2.10", op(s -> s.u16(0x206, 0x020A)),
                            "boot protocol 2.10 too old; 64-bit loading needs 2.12"),
                    Arguments.of("protocol 2.11", op(s -> s.u16(0x206, 0x020B)),
                            "boot protocol 2.11 too old; 64-bit loading needs 2.12"),
                    Arguments.of("no 64-bit entry", op(s -> s.u16(0x236, 0x02)),
                            "32-bit only kernel: xloadflags 0x2 lacks XLF_KERNEL_64"),
                    Arguments.of("not above 4G", op(s -> s.u16(0x236, 0x01)),
                            "32-bit only kernel: xloadflags 0x1 lacks XLF_CAN_BE_LOADED_ABOVE_4G"),
                    Arguments.of("zImage", op(s -> s.u8(0x211, 0x80)),
                            "zImage, not a bzImage: loadflags 0x80 lacks LOADED_HIGH"),
                    Arguments.of("nothing after the setup", op(s -> s.length(0x5000)),
                            "truncated: 20480 bytes, setup_sects 39 puts the kernel at offset 20480"),
                    Arguments.of("cut inside the kernel", op(s -> s.length(0x5800)),
                            "truncated: 22528 bytes, setup_sects 39 and syssize 0x100 need 24576"),
                    Arguments.of("odd alignment", op(s -> s.u32(0x230, 0x300000)),
                            "kernel_alignment 0x300000 at 0x230 is not a power of two"));
        }

        private static UnaryOperator<SyntheticBzImage> op(UnaryOperator<SyntheticBzImage> op) {
            return op;
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("problems")
        void namesTheFileAndTheProblem(String what, UnaryOperator<SyntheticBzImage> change, String problem) {
            Path file = change.apply(new SyntheticBzImage()).write(dir.resolve("bad-vmlinuz"));

            assertThatThrownBy(() -> BzImageParser.parse(file))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNSUPPORTED_IMAGE))
                    .hasMessage(file + ": " + problem);
        }

        @Test
        void checksTheBootFlagBeforeTheSignature() {
            Path file = new SyntheticBzImage().u16(0x1FE, 0).u8(0x202, 0).write(dir.resolve("k"));

            assertThatThrownBy(() -> BzImageParser.parse(file)).hasMessageContaining("boot_flag");
        }

        @Test
        void reportsAMissingFileAsUnreadable() {
            Path missing = dir.resolve("nope");

            assertThatThrownBy(() -> BzImageParser.parse(missing))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage(missing + ": no such file");
        }

        @Test
        void reportsADirectoryAsUnreadable() {
            assertThatThrownBy(() -> BzImageParser.parse(dir))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessageStartingWith(dir + ": cannot read");
        }
    }

    @Nested
    class DebianKernel {
        private Path kernel() {
            var kernel = SyntheticBzImage.realKernel();
            assumeTrue(kernel.isPresent(), "HANDOFF_TEST_KERNEL is not set to a bzImage (see plugins-x86_64 tests); "
                    + "real-kernel checks skipped");
            return kernel.get();
        }

        @Test
        void parsesTheDebian61Kernel() {
            Path file = kernel();

            BzImage image = BzImageParser.parse(file);

            assertThat(image.protocolVersion()).isGreaterThanOrEqualTo(0x020F);
            assertThat(image.xloadFlags() & 3).isEqualTo(3);
            assertThat(image.kern16Size()).isEqualTo((image.setupSects() + 1L) * 512);
            assertThat(image.fileSize()).isGreaterThanOrEqualTo(image.kern16Size() + image.syssize() * 16);
            assertThat(image.kernelLength()).isEqualTo(file.toFile().length() - image.kern16Size());
            assertThat(image.kernelAlignment()).isEqualTo(0x200000);
            assertThat(image.relocatable()).isTrue();
            assertThat(image.cmdlineSize()).isEqualTo(2047);
            assertThat(image.prefAddress()).isEqualTo(0x1000000);
            assertThat(image.headerEnd()).isEqualTo(0x26C);
            assertThat(image.setupHeader()).hasSize(0x7B);
            assertThat(image.initSize()).isGreaterThan(image.kernelLength());
        }

        @Test
        void givesTheKernelSegmentKexecToolsGaveInTheGuest() {
            Path file = kernel();
            BzImage image = BzImageParser.parse(file);
            // the guest's kexec -p -d (6.1.0-56): seg0 bufsz=0x7d87c0 memsz=0x3f98000
            assumeTrue(file.toFile().length() == 0x7DD7C0, "not the 6.1.0-56 image the guest used");

            assertThat(image.kernelLength()).isEqualTo(0x7D87C0);
            assertThat(image.kernelMemsz()).isEqualTo(0x3F98000);
            assertThat(image.setupSects()).isEqualTo(39);
        }
    }
}
