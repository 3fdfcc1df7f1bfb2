package io.handoff.platforms.s390x;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Reads a diag 308 IPL parameter block (Linux's {@code struct ipl_parameter_block}, big-endian) back into one line,
 * for traces: an independent reader of what the s390x plugin builds, the way the machine's firmware would see it.
 *
 * <p>Layout: 0x00 u32 length of the block, 0x07 u8 version; block 0 at 0x08: u32 length, u8 type (0 FCP, 2 CCW).
 * CCW: 0x6C u16 (low 3 bits: subchannel set), 0x6E u16 device number. FCP: 0x148 u8 options (0x10 IPL, 0x20 dump),
 * 0x14E u16 device number, 0x154 u64 wwpn, 0x15C u64 lun, 0x164 u32 bootprog, 0x174 u64 br_lba.
 *
 * @since 0.1
 */
final class IplParameterBlockView {
    private IplParameterBlockView() {
    }

    /**
     * Describe a block.
     *
     * @param block the bytes purgatory handed to diag 308
     * @return one line such as {@code ccw dump device 0.0.5219 (version 0, 200 bytes)}, or empty when the bytes are
     *     not a CCW or FCP block whose lengths agree
     */
    static Optional<String> describe(byte[] block) {
        if (block.length < 16) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(block).order(ByteOrder.BIG_ENDIAN);
        long length = Integer.toUnsignedLong(b.getInt(0));
        long zeroLength = Integer.toUnsignedLong(b.getInt(8));
        int version = Byte.toUnsignedInt(b.get(7));
        int type = Byte.toUnsignedInt(b.get(12));
        if (length != block.length || zeroLength != length - 8) {
            return Optional.empty();
        }
        String tail = String.format(" (version %d, %d bytes)", version, length);
        if (type == 2 && length >= 0x70) {
            return Optional.of(String.format("ccw dump device 0.%x.%04x", b.getShort(0x6C) & 0x7,
                    Short.toUnsignedInt(b.getShort(0x6E))) + tail);
        }
        if (type == 0 && length >= 0x17C) {
            int opt = Byte.toUnsignedInt(b.get(0x148));
            return Optional.of(String.format("fcp %s device 0.0.%04x wwpn %#018x lun %#018x bootprog %d br_lba %d",
                    opt == 0x20 ? "dump" : opt == 0x10 ? "ipl" : String.format("opt %#x", opt),
                    Short.toUnsignedInt(b.getShort(0x14E)), b.getLong(0x154), b.getLong(0x15C),
                    Integer.toUnsignedLong(b.getInt(0x164)), b.getLong(0x174)) + tail);
        }
        return Optional.empty();
    }
}
