package io.handoff.platforms.s390x;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The field offsets of Linux's {@code struct ipl_parameter_block} (arch/s390/include/uapi/asm/ipl.h: the
 * {@code ipl_pl_hdr}, then {@code ipl_pb0_ccw} or {@code ipl_pb0_fcp}, all packed), as the blocks are built.
 */
class IplParameterBlockTests {
    static final byte[] CCW = IplParameterBlock.ccw(1, 0xBEEF);
    static final byte[] FCP = IplParameterBlock.fcp(0x1700, 0x1122334455667788L, 0x0102030405060708L, 3,
            0x0A0B0C0D0E0F1011L);

    @ParameterizedTest(name = "ccw {0}: offset {1}, {2} bytes = {3}")
    @CsvSource({
        "hdr.len,             0x000, 4, 200",
        "hdr.flags,           0x004, 1, 0",
        "hdr.version,         0x007, 1, 0",
        "ccw.len,             0x008, 4, 192",
        "ccw.pbt,             0x00C, 1, 2",
        "ccw.flags,           0x00D, 1, 0",
        "ccw.loadparm,        0x010, 8, 0",
        "ccw.ssid (low bits), 0x06C, 2, 1",
        "ccw.devno,           0x06E, 2, 48879",
        "ccw.vm_flags,        0x070, 1, 0",
        "ccw.vm_parm_len,     0x074, 4, 0",
    })
    void ccw(String field, String offset, int width, long value) {
        assertThat(read(CCW, Integer.decode(offset), width)).as(field).isEqualTo(value);
    }

    @ParameterizedTest(name = "fcp {0}: offset {1}, {2} bytes = {3}")
    @CsvSource({
        "hdr.len,          0x000, 4, 644",
        "hdr.version,      0x007, 1, 0",
        "fcp.len,          0x008, 4, 636",
        "fcp.pbt,          0x00C, 1, 0",
        "fcp.opt (dump),   0x148, 1, 32",
        "fcp.cssid,        0x14C, 1, 0",
        "fcp.devno,        0x14E, 2, 5888",
        "fcp.wwpn,         0x154, 8, 1234605616436508552",
        "fcp.lun,          0x15C, 8, 72623859790382856",
        "fcp.bootprog,     0x164, 4, 3",
        "fcp.br_lba,       0x174, 8, 723685415333072913",
        "fcp.scp_data_len, 0x17C, 4, 0",
    })
    void fcp(String field, String offset, int width, long value) {
        assertThat(read(FCP, Integer.decode(offset), width)).as(field).isEqualTo(value);
    }

    static long read(byte[] block, int offset, int width) {
        ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.BIG_ENDIAN);
        return switch (width) {
            case 1 -> Byte.toUnsignedLong(b.get(offset));
            case 2 -> Short.toUnsignedLong(b.getShort(offset));
            case 4 -> Integer.toUnsignedLong(b.getInt(offset));
            default -> b.getLong(offset);
        };
    }
}
