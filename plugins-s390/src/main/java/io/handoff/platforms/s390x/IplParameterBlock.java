package io.handoff.platforms.s390x;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds the diag 308 IPL parameter block of a dump device, in the layout of Linux's
 * {@code struct ipl_parameter_block} (arch/s390/include/uapi/asm/ipl.h), big-endian, as Linux's
 * {@code dump_ccw_init()}/{@code dump_fcp_init()} fill it.
 *
 * <p>Header ({@code ipl_pl_hdr}): 0x00 u32 len of the whole block, 0x04 u8 flags, 0x07 u8 version (0). Block 0
 * from 0x08: u32 len, u8 pbt (0 FCP, 2 CCW), then per type. CCW ({@code ipl_pb0_ccw}, 192 bytes, block 200):
 * 0x6C u16 whose low 3 bits are the subchannel set id, 0x6E u16 devno. FCP ({@code ipl_pb0_fcp}, 636 bytes,
 * block 644): 0x148 u8 opt (0x20 = dump), 0x14C u8 cssid, 0x14E u16 devno, 0x154 u64 wwpn, 0x15C u64 lun,
 * 0x164 u32 bootprog, 0x174 u64 br_lba, 0x17C u32 scp_data_len (0).
 *
 * @since 0.1
 */
final class IplParameterBlock {
    /** The block version Linux writes ({@code IPL_PARM_BLOCK_VERSION}). */
    static final int VERSION = 0;
    /** Parameter block type FCP. */
    static final int PBT_FCP = 0;
    /** Parameter block type CCW. */
    static final int PBT_CCW = 2;
    /** The size of the list header. */
    static final int HEADER = 8;
    /** {@code sizeof(struct ipl_pb0_ccw)}. */
    static final int PB0_CCW_LEN = 192;
    /** {@code sizeof(struct ipl_pb0_fcp)} without SCP data. */
    static final int PB0_FCP_LEN = 636;
    /** The FCP option: a dump. */
    static final int FCP_OPT_DUMP = 0x20;

    static final int CCW_SSID = 0x6C;
    static final int CCW_DEVNO = 0x6E;
    static final int FCP_OPT = 0x148;
    static final int FCP_CSSID = 0x14C;
    static final int FCP_DEVNO = 0x14E;
    static final int FCP_WWPN = 0x154;
    static final int FCP_LUN = 0x15C;
    static final int FCP_BOOTPROG = 0x164;
    static final int FCP_BR_LBA = 0x174;
    static final int FCP_SCP_DATA_LEN = 0x17C;

    private IplParameterBlock() {
    }

    /** Return the block of a CCW dump device. */
    static byte[] ccw(int ssid, int devno) {
        ByteBuffer b = header(PB0_CCW_LEN, PBT_CCW);
        b.putShort(CCW_SSID, (short) (ssid & 0x7)).putShort(CCW_DEVNO, (short) devno);
        return b.array();
    }

    /** Return the block of an FCP (SCSI) dump device. */
    static byte[] fcp(int devno, long wwpn, long lun, int bootprog, long brLba) {
        ByteBuffer b = header(PB0_FCP_LEN, PBT_FCP);
        b.put(FCP_OPT, (byte) FCP_OPT_DUMP).put(FCP_CSSID, (byte) 0).putShort(FCP_DEVNO, (short) devno)
                .putLong(FCP_WWPN, wwpn).putLong(FCP_LUN, lun).putInt(FCP_BOOTPROG, bootprog)
                .putLong(FCP_BR_LBA, brLba).putInt(FCP_SCP_DATA_LEN, 0);
        return b.array();
    }

    private static ByteBuffer header(int blockZeroLength, int pbt) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + blockZeroLength).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, HEADER + blockZeroLength).put(7, (byte) VERSION);
        b.putInt(HEADER, blockZeroLength).put(HEADER + 4, (byte) pbt);
        return b;
    }
}
