package io.handoff.core.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.KcoreLoad;
import io.handoff.core.testing.Fixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class KcoreParserTests {
    private static final String KCORE = "/proc/kcore";

    /** Build an ELF64 little-endian header of the given type with program headers {type, vaddr, paddr, memsz}. */
    static byte[] elf(int type, int size, long[]... headers) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, 64 + headers.length * 56)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        b.putShort(16, (short) type).putShort(18, (short) 62).putLong(32, 64)
                .putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) headers.length);
        for (int i = 0; i < headers.length; i++) {
            int o = 64 + i * 56;
            b.putInt(o, (int) headers[i][0]).putLong(o + 16, headers[i][1]).putLong(o + 24, headers[i][2])
                    .putLong(o + 40, headers[i][3]).putLong(o + 32, headers[i][3]);
        }
        return Arrays.copyOf(b.array(), size);
    }

    @Nested
    class Profile {
        @Test
        void readsSevenLoadsAndTheKernelTextOne() {
            List<KcoreLoad> loads = KcoreParser.read(new DirectorySystemView(Fixtures.profile("qemu-pc-x86_64-1g")));
            // 8 program headers: one PT_NOTE and 7 PT_LOAD (text, vmalloc, modules, 2 direct map, 2 vmemmap)
            assertThat(loads).hasSize(7);
            long stext = 0xffffffff99c00000L; // _stext in the profile's kallsyms
            assertThat(loads).filteredOn(l -> l.containsVirtual(stext))
                    .containsExactly(new KcoreLoad(0xffffffff99c00000L, 0x1f600000L, 0x3430000L));
            assertThat(loads).contains(
                    new KcoreLoad(0xffff88c1c0001000L, 0x1000L, 0x9e000L),
                    new KcoreLoad(0xffff88c1c0100000L, 0x100000L, 0x3fee0000L),
                    new KcoreLoad(0xffffffffc0000000L, -1L, 0x3f000000L));
        }
    }

    @Nested
    class Synthetic {
        @Test
        void keepsOnlyLoads() {
            byte[] bytes = elf(4, 4096, new long[] {4, 0, 0, 0x100}, new long[] {1, 0xffff888000000000L, 0, 0x1000},
                    new long[] {3, 0, 0, 0});
            assertThat(KcoreParser.parse(bytes, KCORE)).containsExactly(new KcoreLoad(0xffff888000000000L, 0, 0x1000));
        }

        @Test
        void rejectsNonCoreFiles() {
            assertThatThrownBy(() -> KcoreParser.parse(elf(2, 4096), KCORE))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE))
                    .hasMessage("/proc/kcore: offset 16: e_type 2, expected ET_CORE (4)");
        }

        @Test
        void rejectsTruncatedAndForeignFiles() {
            assertThatThrownBy(() -> KcoreParser.parse(new byte[10], KCORE))
                    .hasMessage("/proc/kcore: truncated: 10 bytes, an ELF64 header needs 64");
            assertThatThrownBy(() -> KcoreParser.parse(new byte[100], KCORE))
                    .hasMessage("/proc/kcore: offset 0: no ELF magic");
        }

        @Test
        void rejectsProgramHeadersBeyondTheBytesRead() {
            byte[] bytes = elf(4, 128, new long[] {1, 0, 0, 0x1000}, new long[] {1, 0x1000, 0x1000, 0x1000});
            assertThatThrownBy(() -> KcoreParser.parse(bytes, KCORE))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE))
                    .hasMessage("/proc/kcore: offset 32: program headers end at 0xb0, past the 0x80 bytes read");
        }
    }
}
