package io.handoff.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ELF identity helper: byte order and machine from a file's first 20 bytes. */
class ElfIdentTests {
    /** The first 20 bytes of an ELF file: magic, EI_DATA, and e_machine's two bytes at 18 as given. */
    static byte[] head(int eiData, int byte18, int byte19) {
        byte[] h = new byte[ElfIdent.SIZE];
        h[0] = 0x7F;
        h[1] = 'E';
        h[2] = 'L';
        h[3] = 'F';
        h[4] = 2;
        h[5] = (byte) eiData;
        h[18] = (byte) byte18;
        h[19] = (byte) byte19;
        return h;
    }

    @ParameterizedTest(name = "EI_DATA {0}, bytes {1} {2}: machine {3}")
    @CsvSource({
        "1, 62, 0, LITTLE_ENDIAN, 62",
        "2, 0, 22, BIG_ENDIAN, 22",
        "1, 0x32, 0, LITTLE_ENDIAN, 50",
        "2, 1, 2, BIG_ENDIAN, 258",
    })
    void readsTheMachineInTheByteOrderEiDataNames(int eiData, int b18, int b19, String order, int machine) {
        ElfIdent id = ElfIdent.of(head(eiData, b18, b19)).orElseThrow();
        assertThat(id.machine()).isEqualTo(machine);
        assertThat(id.byteOrder()).isEqualTo(order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN
                : ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void isNothingForTooFewBytesAnotherMagicOrAnInvalidByteOrder() {
        assertThat(ElfIdent.of(Arrays.copyOf(head(1, 62, 0), 19))).isEmpty();
        byte[] notElf = head(1, 62, 0);
        notElf[1] = 'X';
        assertThat(ElfIdent.of(notElf)).isEmpty();
        assertThat(ElfIdent.of(head(0, 62, 0))).isEmpty();
        assertThat(ElfIdent.of(head(3, 62, 0))).isEmpty();
    }

    @Test
    void isComparesOrderAndMachine() {
        ElfIdent x = ElfIdent.of(head(1, 62, 0)).orElseThrow();
        assertThat(x.is(ByteOrder.LITTLE_ENDIAN, 62)).isTrue();
        assertThat(x.is(ByteOrder.BIG_ENDIAN, 62)).isFalse();
        assertThat(x.is(ByteOrder.LITTLE_ENDIAN, 22)).isFalse();
    }
}
