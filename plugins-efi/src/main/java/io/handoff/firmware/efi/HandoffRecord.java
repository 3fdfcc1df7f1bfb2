package io.handoff.firmware.efi;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The handoff record: what the resume application needs to find and check the crashed kernel's memory after the warm
 * reboot, kept in the {@code HandoffRecord} EFI variable (layout in plugins-efi/RECORD.md, little-endian).
 *
 * @param crashRegion the crash region (the capture kernel's memory)
 * @param elfCoreHeader the ELF core header's address
 * @param elfCoreHeaderSize its size in bytes
 * @param elfCoreHeaderSha256 the SHA-256 of those bytes as loaded
 * @param marker where purgatory writes the nonce at the crash
 * @param nonce 16 random bytes of this arming
 * @param bootNumber the {@code Boot####} number of the resume application's entry
 * @param commandLine the capture kernel's complete command line
 * @param kernelPath the capture kernel's path on the EFI system partition ({@code \EFI\handoff\...})
 * @param initrdPath its initrd's path there, if any
 * @param dumped the first kernel's memory the dump covers (the header's PT_LOAD ranges), sorted, merged
 */
public record HandoffRecord(MemoryRange crashRegion, long elfCoreHeader, long elfCoreHeaderSize,
                            byte[] elfCoreHeaderSha256, long marker, byte[] nonce, int bootNumber, String commandLine,
                            String kernelPath, Optional<String> initrdPath, List<MemoryRange> dumped) {
    /** The magic at offset 0. */
    public static final String MAGIC = "HOFFREC1";
    /** The layout version. */
    public static final int VERSION = 1;
    /** The fixed part before the data the offsets point at. */
    public static final int HEADER_SIZE = 0x90;
    /** The nonce's size (the marker's too). */
    public static final int NONCE_SIZE = 16;

    public HandoffRecord {
        Objects.requireNonNull(crashRegion, "crashRegion");
        elfCoreHeaderSha256 = elfCoreHeaderSha256.clone();
        nonce = nonce.clone();
        if (elfCoreHeaderSha256.length != 32 || nonce.length != NONCE_SIZE) {
            throw new IllegalArgumentException("digest must be 32 bytes and nonce 16");
        }
        if (bootNumber < 0 || bootNumber > 0xFFFF) {
            throw new IllegalArgumentException("boot number " + bootNumber);
        }
        Objects.requireNonNull(commandLine, "commandLine");
        Objects.requireNonNull(kernelPath, "kernelPath");
        Objects.requireNonNull(initrdPath, "initrdPath");
        dumped = List.copyOf(dumped);
    }

    @Override
    public byte[] elfCoreHeaderSha256() {
        return elfCoreHeaderSha256.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    /** Return the nonce as lower-case hex. */
    public String nonceHex() {
        return HexFormat.of().formatHex(nonce);
    }

    /** Return the same record for another {@code Boot####} entry. */
    public HandoffRecord withBootNumber(int number) {
        return new HandoffRecord(crashRegion, elfCoreHeader, elfCoreHeaderSize, elfCoreHeaderSha256, marker, nonce,
                number, commandLine, kernelPath, initrdPath, dumped);
    }

    /** Return the variable's bytes. */
    public byte[] encode() {
        byte[] cmd = commandLine.getBytes(StandardCharsets.US_ASCII);
        byte[] kernel = kernelPath.getBytes(StandardCharsets.US_ASCII);
        byte[] initrd = initrdPath.orElse("").getBytes(StandardCharsets.US_ASCII);
        int cmdAt = HEADER_SIZE;
        int kernelAt = cmdAt + pad8(cmd.length);
        int initrdAt = kernelAt + pad8(kernel.length);
        int rangesAt = initrdAt + pad8(initrd.length);
        int total = rangesAt + 16 * dumped.size();
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC.getBytes(StandardCharsets.US_ASCII)).putInt(VERSION).putInt(total)
                .putLong(crashRegion.start()).putLong(crashRegion.end() + 1)
                .putLong(elfCoreHeader).putLong(elfCoreHeaderSize).put(elfCoreHeaderSha256)
                .putLong(marker).put(nonce).putShort((short) bootNumber).put(new byte[6])
                .putInt(cmdAt).putInt(cmd.length).putInt(kernelAt).putInt(kernel.length)
                .putInt(initrd.length == 0 ? 0 : initrdAt).putInt(initrd.length)
                .putInt(rangesAt).putInt(dumped.size());
        b.put(cmdAt, cmd).put(kernelAt, kernel).put(initrdAt, initrd);
        b.position(rangesAt);
        for (MemoryRange r : dumped) {
            b.putLong(r.start()).putLong(r.end() + 1);
        }
        return b.array();
    }

    /**
     * Read a record, checking every offset and length as the resume application does.
     *
     * @param bytes the variable's data
     * @param source where it came from, for the error
     * @throws HandoffException MALFORMED_PROFILE naming the field at fault
     */
    public static HandoffRecord decode(byte[] bytes, String source) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < HEADER_SIZE) {
            throw bad(source, "record is " + bytes.length + " bytes, shorter than its 0x90-byte header");
        }
        if (!new String(bytes, 0, 8, StandardCharsets.US_ASCII).equals(MAGIC)) {
            throw bad(source, "no HOFFREC1 magic");
        }
        if (b.getInt(8) != VERSION) {
            throw bad(source, "version " + b.getInt(8) + ", expected " + VERSION);
        }
        if (Integer.toUnsignedLong(b.getInt(12)) != bytes.length) {
            throw bad(source, "total length " + Integer.toUnsignedString(b.getInt(12)) + " but the variable holds "
                    + bytes.length + " bytes");
        }
        long start = b.getLong(0x10);
        long end = b.getLong(0x18);
        if (Long.compareUnsigned(end, start) <= 0) {
            throw bad(source, String.format("empty crash region %#x-%#x", start, end));
        }
        byte[] sha = new byte[32];
        b.get(0x30, sha);
        byte[] nonce = new byte[NONCE_SIZE];
        b.get(0x58, nonce);
        String cmd = text(b, 0x70, source, "command line");
        String kernel = text(b, 0x78, source, "kernel path");
        String initrd = text(b, 0x80, source, "initrd path");
        long rangesAt = Integer.toUnsignedLong(b.getInt(0x88));
        long count = Integer.toUnsignedLong(b.getInt(0x8C));
        if (rangesAt + 16 * count > bytes.length) {
            throw bad(source, count + " dumped ranges at " + rangesAt + " run past the record's end");
        }
        List<MemoryRange> dumped = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long s = b.getLong((int) rangesAt + 16 * i);
            long e = b.getLong((int) rangesAt + 16 * i + 8);
            if (Long.compareUnsigned(e, s) <= 0) {
                throw bad(source, String.format("dumped range %d is empty (%#x-%#x)", i, s, e));
            }
            dumped.add(new MemoryRange(s, e - 1, RangeType.RAM));
        }
        return new HandoffRecord(new MemoryRange(start, end - 1, RangeType.RAM), b.getLong(0x20), b.getLong(0x28), sha,
                b.getLong(0x50), nonce, Short.toUnsignedInt(b.getShort(0x68)), cmd, kernel,
                initrd.isEmpty() ? Optional.empty() : Optional.of(initrd), dumped);
    }

    private static String text(ByteBuffer b, int at, String source, String what) {
        long offset = Integer.toUnsignedLong(b.getInt(at));
        long length = Integer.toUnsignedLong(b.getInt(at + 4));
        if (length == 0) {
            return "";
        }
        if (offset < HEADER_SIZE || offset + length > b.capacity()) {
            throw bad(source, String.format("%s at %d, %d bytes, lies outside the record's data", what, offset, length));
        }
        byte[] t = new byte[(int) length];
        b.get((int) offset, t);
        return new String(t, StandardCharsets.US_ASCII);
    }

    private static HandoffException bad(String source, String problem) {
        return new HandoffException(FailureKind.MALFORMED_PROFILE, source + ": " + problem);
    }

    private static int pad8(int n) {
        return (n + 7) & ~7;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandoffRecord r && java.util.Arrays.equals(encode(), r.encode());
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(encode());
    }
}
