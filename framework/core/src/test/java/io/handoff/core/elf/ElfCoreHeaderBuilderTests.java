package io.handoff.core.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.machine.CrashNote;
import io.handoff.api.machine.KernelText;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.machine.VmcoreInfo;
import io.handoff.api.plan.ElfCoreRequest;
import io.handoff.api.plan.ElfCoreRequest.BackupRedirect;
import io.handoff.core.memory.MemoryMaps;
import io.handoff.core.testing.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ElfCoreHeaderBuilderTests {
    private static final String REFERENCE = "/kexec-tools/qemu-pc-x86_64-1g/";
    private static final int EM_X86_64 = 62;

    private static MemoryRange ram(long start, long end) {
        return new MemoryRange(start, end, RangeType.RAM);
    }

    private static Elf64 parse(byte[] bytes) {
        Elf64.Result result = Elf64.parse(bytes);
        assertThat(result.problem()).isNull();
        return result.elf().orElseThrow();
    }

    /**
     * The header kexec-tools 2.0.25 built with {@code kexec -p -d} on the QEMU profile, run on the host
     * through integration-tests/src/test/scripts/kexec-reference.sh (2 CPUs, getrandom failing).
     */
    @Nested
    class SameAsKexecTools {
        private final byte[] reference = resource("elfcorehdr.bin");
        private final byte[] built = ElfCoreHeaderBuilder.build(requestForQemuProfile());

        @Test
        void elfHeaderIsIdentical() {
            assertThat(ByteBuffer.wrap(built, 0, Elf64.EHDR_SIZE))
                    .isEqualTo(ByteBuffer.wrap(reference, 0, Elf64.EHDR_SIZE));
            ByteBuffer h = ByteBuffer.wrap(built).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(h.get(4)).as("EI_CLASS").isEqualTo((byte) 2);
            assertThat(h.get(5)).as("EI_DATA").isEqualTo((byte) 1);
            assertThat(h.get(6)).as("EI_VERSION").isEqualTo((byte) 1);
            assertThat(h.get(7)).as("EI_OSABI").isZero();
            assertThat(h.getShort(16)).as("e_type").isEqualTo((short) Elf64.ET_CORE);
            assertThat(h.getShort(18)).as("e_machine").isEqualTo((short) EM_X86_64);
            assertThat(h.getInt(20)).as("e_version").isEqualTo(1);
            assertThat(h.getLong(24)).as("e_entry").isZero();
            assertThat(h.getLong(32)).as("e_phoff").isEqualTo(64);
            assertThat(h.getLong(40)).as("e_shoff").isZero();
            assertThat(h.getInt(48)).as("e_flags").isZero();
            assertThat(h.getShort(52)).as("e_ehsize").isEqualTo((short) 64);
            assertThat(h.getShort(54)).as("e_phentsize").isEqualTo((short) 56);
            assertThat(h.getShort(56)).as("e_phnum").isEqualTo((short) 7);
            assertThat(h.getShort(58)).as("e_shentsize").isZero();
            assertThat(h.getShort(60)).as("e_shnum").isZero();
            assertThat(h.getShort(62)).as("e_shstrndx").isZero();
        }

        @Test
        void everyProgramHeaderIsIdenticalFieldByField() {
            List<ProgramHeader> expected = parse(reference).programHeaders();
            List<ProgramHeader> actual = parse(built).programHeaders();
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                ProgramHeader e = expected.get(i);
                ProgramHeader a = actual.get(i);
                String at = "phdr " + i + " ";
                assertThat(a.type()).as(at + "p_type").isEqualTo(e.type());
                assertThat(a.flags()).as(at + "p_flags").isEqualTo(e.flags());
                assertThat(a.offset()).as(at + "p_offset").isEqualTo(e.offset());
                assertThat(a.vaddr()).as(at + "p_vaddr").isEqualTo(e.vaddr());
                assertThat(a.paddr()).as(at + "p_paddr").isEqualTo(e.paddr());
                assertThat(a.filesz()).as(at + "p_filesz").isEqualTo(e.filesz());
                assertThat(a.memsz()).as(at + "p_memsz").isEqualTo(e.memsz());
                assertThat(a.align()).as(at + "p_align").isEqualTo(e.align());
            }
        }

        @Test
        void theWholeBufferIsIdentical() {
            assertThat(built).hasSize(0x400).isEqualTo(reference);
        }

        @Test
        void theLowMemoryHeaderReadsFromTheBackupCopy() {
            ProgramHeader low = parse(built).programHeaders().get(4);
            assertThat(low.paddr()).isEqualTo(0x1000);
            assertThat(low.offset()).isEqualTo(0x3df61000L);
            assertThat(low.filesz()).isEqualTo(0x9ec00);
        }
    }

    @Nested
    class Layout {
        private final ElfCoreRequest small = new ElfCoreRequest(EM_X86_64, ByteOrder.LITTLE_ENDIAN,
                List.of(new CrashNote(0, 0x1000, 0x100)), Optional.empty(), Optional.empty(),
                List.of(ram(0x100000, 0x1fffff)), 0xffff888000000000L, Optional.empty(), 1024);

        @Test
        void optionalHeadersAreLeftOut() {
            List<ProgramHeader> headers = parse(ElfCoreHeaderBuilder.build(small)).programHeaders();
            assertThat(headers).containsExactly(
                    new ProgramHeader(ProgramHeader.PT_NOTE, 0, 0x1000, 0, 0x1000, 0x100, 0x100, 0),
                    new ProgramHeader(ProgramHeader.PT_LOAD, 7, 0x100000, 0xffff888000100000L, 0x100000, 0x100000,
                            0x100000, 0));
        }

        @Test
        void theBufferIsRoundedUpToTheAlignment() {
            List<MemoryRange> many = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                many.add(ram(0x100000L * (2 * i + 1), 0x100000L * (2 * i + 2) - 1));
            }
            ElfCoreRequest r = new ElfCoreRequest(EM_X86_64, ByteOrder.LITTLE_ENDIAN, small.notes(),
                    Optional.of(new VmcoreInfo(0x2000, 0x1000)), Optional.of(new KernelText(-0x80000000L, 0x1000000,
                    0x2000000)), many, 0, Optional.empty(), 1024);
            byte[] header = ElfCoreHeaderBuilder.build(r);
            // 64 + 43 * 56 = 2472 bytes used
            assertThat(header).hasSize(3072);
            assertThat(parse(header).programHeaders()).hasSize(43);
            for (int i = 2472; i < 3072; i++) {
                assertThat(header[i]).as("padding byte %d", i).isZero();
            }
            assertThat(ElfCoreHeaderBuilder.build(small)).hasSize(1024);
        }

        @Test
        void bigEndianTargetsGetAnElfdata2msbHeader() {
            ElfCoreRequest r = new ElfCoreRequest(22, ByteOrder.BIG_ENDIAN, small.notes(), Optional.empty(),
                    Optional.empty(), small.ram(), 0, Optional.empty(), 1024);
            byte[] header = ElfCoreHeaderBuilder.build(r);
            assertThat(header[5]).isEqualTo((byte) 2);
            assertThat(header[18]).isZero();
            assertThat(header[19]).isEqualTo((byte) 22);
            Elf64 elf = parse(header);
            assertThat(elf.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
            assertThat(elf.programHeaders().get(1).paddr()).isEqualTo(0x100000);
            assertThat(elf.programHeaders().get(1).vaddr()).isEqualTo(0x100000);
        }

        @Test
        void theRedirectAppliesOnlyToTheRangeStartingAtTheSource() {
            ElfCoreRequest r = new ElfCoreRequest(EM_X86_64, ByteOrder.LITTLE_ENDIAN, List.of(), Optional.empty(),
                    Optional.empty(), List.of(ram(0x1000, 0x9ffff), ram(0x100000, 0x1fffff)), 0,
                    Optional.of(new BackupRedirect(0x1000, 0x3000000)), 1024);
            List<ProgramHeader> headers = parse(ElfCoreHeaderBuilder.build(r)).programHeaders();
            assertThat(headers).extracting(ProgramHeader::offset).containsExactly(0x3000000L, 0x100000L);
            assertThat(headers).extracting(ProgramHeader::paddr).containsExactly(0x1000L, 0x100000L);
        }

        @Test
        void rejectsANonPositiveAlignment() {
            ElfCoreRequest r = new ElfCoreRequest(EM_X86_64, ByteOrder.LITTLE_ENDIAN, List.of(), Optional.empty(),
                    Optional.empty(), List.of(), 0, Optional.empty(), 0);
            assertThatThrownBy(() -> ElfCoreHeaderBuilder.build(r)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * The request for the QEMU profile. The CPU notes, VMCOREINFO and RAM ranges are read from the profile
     * the way kexec-tools reads them; the kernel text, the page offset and the backup source are
     * hard-coded from kexec-tools' {@code -d} output (kexec-d.txt) until the x86_64 plugin computes them
     * from /proc/kcore, /proc/kallsyms and /proc/iomem.
     */
    static ElfCoreRequest requestForQemuProfile() {
        Path profile = Fixtures.profile("qemu-pc-x86_64-1g");
        List<CrashNote> notes = new ArrayList<>();
        for (int cpu = 0; Files.isDirectory(profile.resolve("sys/devices/system/cpu/cpu" + cpu)); cpu++) {
            Path dir = profile.resolve("sys/devices/system/cpu/cpu" + cpu);
            notes.add(new CrashNote(cpu, Long.parseUnsignedLong(read(dir.resolve("crash_notes")), 16),
                    Long.parseLong(read(dir.resolve("crash_notes_size")))));
        }
        // kexec-tools scans /sys/kernel/vmcoreinfo with "%llx %llx": the size "1024" is read as hex 0x1024
        String[] vmcoreinfo = read(profile.resolve("sys/kernel/vmcoreinfo")).split("\\s+");
        VmcoreInfo info = new VmcoreInfo(Long.decode(vmcoreinfo[0]), Long.parseLong(vmcoreinfo[1], 16));

        // RAM to dump: every System RAM line of /proc/iomem minus every Crash kernel line
        List<MemoryRange> systemRam = new ArrayList<>();
        List<MemoryRange> crash = new ArrayList<>();
        Pattern line = Pattern.compile("\\s*([0-9a-f]+)-([0-9a-f]+) : (.*)");
        try (Stream<String> lines = Files.lines(profile.resolve("proc/iomem"))) {
            lines.forEach(text -> {
                Matcher m = line.matcher(text);
                if (m.matches()) {
                    MemoryRange r = ram(Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16));
                    if (m.group(3).contains("System RAM")) {
                        systemRam.add(r);
                    } else if (m.group(3).equals("Crash kernel")) {
                        crash.add(r);
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<MemoryRange> dumped = MemoryMaps.excludeAll(systemRam, crash);
        assertThat(dumped).containsExactly(ram(0x1000, 0x9fbff), ram(0x100000, 0x2dffffff),
                ram(0x3e000000, 0x3ffdffff));

        // get_backup_area(): the first RAM range ending at or below 640 KiB; its copy is the backup segment
        MemoryRange backupSource = dumped.get(0);
        long backupCopy = segmentWithBufsz(backupSource.size());

        KernelText text = new KernelText(0xffffffff99c00000L, 0x1f600000L, 0x3430000L);
        long pageOffset = 0xffff88c1c0000000L;
        return new ElfCoreRequest(EM_X86_64, ByteOrder.LITTLE_ENDIAN, notes, Optional.of(info), Optional.of(text),
                dumped, pageOffset, Optional.of(new BackupRedirect(backupSource.start(), backupCopy)), 1024);
    }

    /** Return the mem of the segment in segments.txt ("index mem memsz bufsz") whose bufsz is given. */
    private static long segmentWithBufsz(long bufsz) {
        String table = new String(resource("segments.txt"), StandardCharsets.US_ASCII);
        for (String row : table.split("\n")) {
            String[] f = row.trim().split("\\s+");
            if (f.length == 4 && f[0].matches("\\d+") && Long.decode(f[3]) == bufsz) {
                return Long.decode(f[1]);
            }
        }
        throw new AssertionError("no segment with bufsz " + Long.toHexString(bufsz) + " in segments.txt");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = ElfCoreHeaderBuilderTests.class.getResourceAsStream(REFERENCE + name)) {
            assertThat(in).as(REFERENCE + name).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
