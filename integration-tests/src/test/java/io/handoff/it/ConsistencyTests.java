package io.handoff.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.core.testing.Fixtures;
import io.handoff.it.kexec.Prerequisites;
import io.handoff.launcher.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that do not go together, refused with one line naming both sides: last-words ports on the serial console,
 * a profile of one architecture planned for another, a kernel image of another platform's format.
 */
class ConsistencyTests {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    Run plan(String... extra) {
        List<String> args = new ArrayList<>(List.of("plan", "--plugins", BuiltPlugins.dir().toString(),
                "--out", tmp.resolve("bundle").toString()));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** The bundled s390x profile (an s390 /proc/kcore, a dump device). */
    static Path s390Profile() {
        return Fixtures.bundledProfile("s390x-ccw-dump");
    }

    /** The first page of an x86 bzImage: boot sector signature and "HdrS"; nothing else. */
    Path bzImage() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(0x20000).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0x1FE, (short) 0xAA55).put(0x202, "HdrS".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return Files.write(tmp.resolve("bzImage"), b.array());
    }

    /** An ELF header of the given class and machine, padded. */
    Path elf(String name, ByteOrder order, int machine) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(0x20000).order(order);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1});
        b.putShort(16, (short) 2).putShort(18, (short) machine);
        return Files.write(tmp.resolve(name), b.array());
    }

    @Test
    void kcsPortsOnTheConsoleUartAreRefused() {
        Run r = plan("--platform", "x86_64", "--root", Fixtures.profile("qemu-pc-x86_64-1g").toString(),
                "--kernel", Prerequisites.kernel().toString(), "--crash", "--panic-event",
                "--ipmi-kcs-ports", "0x3FC,0x3FD");

        assertThat(r.code()).as(r.err()).isEqualTo(11);
        assertThat(r.err()).isEqualTo("handoff: handoff.last-words.kcs-ports (--ipmi-kcs-ports): KCS ports 0x3fc,0x3fd"
                + " overlap the serial console's UART at 0x3f8..0x3ff; the BMC's ports must be others"
                + System.lineSeparator());
    }

    @Test
    void aProfileOfAnotherArchitectureIsRefused() throws IOException {
        Path profile = Fixtures.profile("qemu-pc-x86_64-1g");
        Run r = plan("--platform", "s390x", "--root", profile.toString(), "--kernel", bzImage().toString());

        assertThat(r.code()).as(r.err()).isEqualTo(9);
        assertThat(r.err()).isEqualTo("handoff: --platform s390x: the machine at " + profile + " is a x86_64 machine"
                + " (its /proc/kcore is for ELF machine 62), not a s390x machine (ELF machine 22)"
                + System.lineSeparator());
    }

    @Test
    void anX86ProfileIsRefusedTheOtherWayRoundToo() throws IOException {
        Path profile = s390Profile();
        Run r = plan("--platform", "x86_64", "--root", profile.toString(), "--kernel", bzImage().toString());

        assertThat(r.code()).as(r.err()).isEqualTo(9);
        assertThat(r.err()).contains("is a s390x machine (its /proc/kcore is for ELF machine 22), not a x86_64 machine");
    }

    @Test
    void aBzImageGivenToS390xIsNamed() throws IOException {
        Path kernel = bzImage();
        Run r = plan("--platform", "s390x", "--root", s390Profile().toString(), "--crash",
                "--kernel", kernel.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(7);
        assertThat(r.err()).isEqualTo("handoff: " + kernel + ": an x86 bzImage, not a kernel image for platform"
                + " s390x (s390-image)" + System.lineSeparator());
    }

    @Test
    void anX86ElfGivenToS390xIsNamed() throws IOException {
        Path kernel = elf("vmlinux", ByteOrder.LITTLE_ENDIAN, 62);
        Run r = plan("--platform", "s390x", "--root", s390Profile().toString(), "--crash",
                "--kernel", kernel.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(7);
        assertThat(r.err()).startsWith("handoff: " + kernel + ": an ELF executable for EM_X86_64 (a vmlinux, not a"
                + " bzImage), not a kernel image for platform s390x").hasLineCount(1);
    }

    @Test
    void anS390ElfGivenToX86IsNamed() throws IOException {
        Path kernel = elf("vmlinux", ByteOrder.BIG_ENDIAN, 22);
        Run r = plan("--platform", "x86_64", "--root", Fixtures.profile("qemu-pc-x86_64-1g").toString(),
                "--kernel", kernel.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(7);
        assertThat(r.err()).startsWith("handoff: " + kernel + ": an ELF executable for EM_S390").hasLineCount(1);
    }

    @Test
    void anElfForAMachineNoPlatformLoadsIsNamedByNumber() throws IOException {
        Path kernel = elf("vmlinux", ByteOrder.LITTLE_ENDIAN, 183);
        Run r = plan("--platform", "x86_64", "--root", Fixtures.profile("qemu-pc-x86_64-1g").toString(),
                "--kernel", kernel.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(7);
        assertThat(r.err()).startsWith("handoff: " + kernel + ": an ELF file for ELF machine 183, not a kernel image"
                + " for platform x86_64 (bzImage)");
    }
}
