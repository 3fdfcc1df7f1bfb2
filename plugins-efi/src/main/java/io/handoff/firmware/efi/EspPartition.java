package io.handoff.firmware.efi;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The EFI system partition as a firmware device path names it: partition number, start and size in logical blocks,
 * and the partition's GPT unique GUID or the MBR disk signature.
 *
 * @param number the partition number (1-based)
 * @param start the first logical block
 * @param size the size in logical blocks
 * @param gpt true for a GPT partition (GUID signature), false for MBR (32-bit disk signature)
 * @param signature 16 bytes: the GUID as stored in the GPT entry, or the MBR signature then zeros
 * @param device the block device, for messages
 */
record EspPartition(int number, long start, long size, boolean gpt, byte[] signature, String device) {
    EspPartition {
        signature = signature.clone();
        if (signature.length != 16) {
            throw new IllegalArgumentException("signature must be 16 bytes");
        }
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Return the HD() media device-path node (type 4, subtype 1, 42 bytes). */
    byte[] hardDriveNode() {
        return ByteBuffer.allocate(42).order(ByteOrder.LITTLE_ENDIAN).put((byte) 4).put((byte) 1).putShort((short) 42)
                .putInt(number).putLong(start).putLong(size).put(signature)
                .put((byte) (gpt ? 2 : 1)).put((byte) (gpt ? 2 : 1)).array();
    }

    /** Return the partition as a firmware shell prints it, such as {@code HD(1,GPT,<guid>,0x800,0x10000)}. */
    String describe() {
        String sig = gpt ? guid(signature) : String.format("0x%08x",
                ByteBuffer.wrap(signature).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
        return String.format("HD(%d,%s,%s,%#x,%#x) on %s", number, gpt ? "GPT" : "MBR", sig, start, size, device);
    }

    /**
     * Find the partition mounted at {@code esp} on the machine rooted at {@code root}: its mount in
     * {@code /proc/self/mountinfo} (it must be FAT), its sysfs block device and the disk's partition table.
     *
     * @param root the machine's root
     * @param esp the mount point, a machine path such as {@code /boot/efi}
     * @throws HandoffException NOT_AVAILABLE naming what is missing
     */
    static EspPartition detect(Path root, String esp) {
        String devno = null;
        String fstype = null;
        Path mountinfo = root.resolve("proc/self/mountinfo");
        try {
            for (String line : Files.readAllLines(mountinfo)) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                if (f.length > 4 && dash > 0 && dash + 1 < f.length && unescape(f[4]).equals(esp)) {
                    devno = f[2];
                    fstype = f[dash + 1];
                }
            }
        } catch (IOException e) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, mountinfo + ": " + e.getMessage());
        }
        if (devno == null) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, esp + ": not a mount point (no line in "
                    + "/proc/self/mountinfo); mount the EFI system partition there or pass --assist-option esp=DIR");
        }
        if (!fstype.equals("vfat") && !fstype.equals("msdos")) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, esp + ": a " + fstype
                    + " file system; the EFI system partition the firmware boots from is FAT (vfat)");
        }
        Path sys = root.resolve("sys/dev/block/" + devno);
        try {
            Path real = sys.toRealPath();
            if (!Files.exists(real.resolve("partition"))) {
                throw new HandoffException(FailureKind.NOT_AVAILABLE, esp + ": device " + devno + " (" + real.getFileName()
                        + ") is a whole disk, not a partition; the firmware needs a partitioned disk");
            }
            int number = Integer.parseInt(Files.readString(real.resolve("partition")).strip());
            long start512 = Long.parseLong(Files.readString(real.resolve("start")).strip());
            long size512 = Long.parseLong(Files.readString(real.resolve("size")).strip());
            String disk = real.getParent().getFileName().toString();
            Path blockSizeFile = real.getParent().resolve("queue/logical_block_size");
            int sector = Files.exists(blockSizeFile) ? Integer.parseInt(Files.readString(blockSizeFile).strip()) : 512;
            Path dev = root.resolve("dev/" + disk);
            return fromDisk(dev, "/dev/" + disk, number, start512 * 512 / sector, size512 * 512 / sector, sector);
        } catch (IOException | NumberFormatException e) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, sys + ": cannot read the partition: " + e.getMessage());
        }
    }

    /** Read the disk's partition table for the partition's signature. */
    static EspPartition fromDisk(Path dev, String name, int number, long start, long size, int sector) {
        byte[] head = new byte[2 * sector];
        try (InputStream in = Files.newInputStream(dev)) {
            if (in.readNBytes(head, 0, head.length) < head.length) {
                throw new HandoffException(FailureKind.NOT_AVAILABLE, name + ": shorter than two sectors");
            }
            ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            if (Short.toUnsignedInt(b.getShort(510)) != 0xAA55) {
                throw new HandoffException(FailureKind.NOT_AVAILABLE, name + ": no partition table (no 0x55AA at 510)");
            }
            boolean protective = Byte.toUnsignedInt(head[446 + 4]) == 0xEE;
            if (!protective) {
                byte[] sig = Arrays.copyOf(Arrays.copyOfRange(head, 440, 444), 16);
                return new EspPartition(number, start, size, false, sig, name);
            }
            if (!new String(head, sector, 8, StandardCharsets.US_ASCII).equals("EFI PART")) {
                throw new HandoffException(FailureKind.NOT_AVAILABLE, name + ": protective MBR but no GPT header at LBA 1");
            }
            long entries = b.getLong(sector + 72);
            long count = Integer.toUnsignedLong(b.getInt(sector + 80));
            long entrySize = Integer.toUnsignedLong(b.getInt(sector + 84));
            if (number < 1 || number > count || entrySize < 128) {
                throw new HandoffException(FailureKind.NOT_AVAILABLE, name + ": partition " + number
                        + " is not in the GPT (" + count + " entries of " + entrySize + " bytes)");
            }
            long at = entries * sector + (number - 1) * entrySize;
            in.skipNBytes(at - head.length);
            byte[] entry = in.readNBytes(128);
            if (entry.length < 128) {
                throw new HandoffException(FailureKind.NOT_AVAILABLE, name + ": GPT entry " + number + " cut short");
            }
            return new EspPartition(number, start, size, true, Arrays.copyOfRange(entry, 16, 32), name);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, name + ": cannot read the partition table: "
                    + e.getMessage());
        }
    }

    /** Return an EFI_GUID's bytes as text (the first three fields little-endian). */
    static String guid(byte[] g) {
        ByteBuffer b = ByteBuffer.wrap(g).order(ByteOrder.LITTLE_ENDIAN);
        HexFormat hex = HexFormat.of();
        return String.format("%08x-%04x-%04x-%s-%s", b.getInt(0), b.getShort(4), b.getShort(6),
                hex.formatHex(g, 8, 10), hex.formatHex(g, 10, 16));
    }

    /** Return the EFI_GUID bytes of a GUID written as text. */
    static byte[] guidBytes(String text) {
        String[] p = text.split("-");
        HexFormat hex = HexFormat.of();
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt((int) Long.parseLong(p[0], 16))
                .putShort((short) Integer.parseInt(p[1], 16)).putShort((short) Integer.parseInt(p[2], 16))
                .put(hex.parseHex(p[3])).put(hex.parseHex(p[4])).array();
    }

    // mountinfo escapes space, tab, newline and backslash as octal
    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EspPartition p && number == p.number && start == p.start && size == p.size && gpt == p.gpt
                && Arrays.equals(signature, p.signature) && device.equals(p.device);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signature) * 31 + number;
    }
}
