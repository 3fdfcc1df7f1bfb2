package io.handoff.platforms.ia64;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The EFI firmware and running kernel of the reference machine's IA-64: the old boot_param r28 points at, the EFI
 * system table and runtime services table, the SetVirtualAddressMap function descriptor, and the EFI memory map.
 *
 * <p>It is built from the bundled profile's /proc/iomem, one EFI descriptor per line as IA-64 Linux prints them
 * (System RAM from the types Linux makes it of, the kernel's range LOADER_DATA; Uncached RAM conventional memory
 * with only the UC attribute; reserved ranges EFI runtime data, runtime code and PAL code; the legacy I/O port space
 * MMIO_PORT), with the boot_param at {@code Boot parameter} and the map at {@code EFI Memory Map}. Pointers carry the
 * region bits the firmware and kernel really use (region 7 for the tables), which purgatory must strip.
 *
 * @param memory firmware memory: base address to bytes
 * @param bootParam the running kernel's boot_param (r28)
 * @param fdesc the SetVirtualAddressMap function descriptor (its first word is the entry IP)
 * @param descriptors the EFI memory map, in order
 */
record Ia64Firmware(Map<Long, byte[]> memory, long bootParam, long fdesc, List<Descriptor> descriptors) {
    /** The profile the firmware comes from. */
    static final String PROFILE_IOMEM = "/profiles/ia64-rx2660-8g/proc/iomem";
    static final int DESC_SIZE = 48;
    static final long REGION7 = 0xe000000000000000L;
    static final long SETVIRTUALADDRESSMAP_IP = 0x3fb40200L;
    static final long FIRMWARE_GP = 0x3fb38000L;
    static final String OLD_COMMAND_LINE = "BOOT_IMAGE=scsi0:EFI\\debian\\vmlinuz root=/dev/sda2 ro console=ttyS0";

    /** One EFI memory descriptor. */
    record Descriptor(int type, long phys, long virt, long pages, long attribute) {
        long end() {
            return phys + pages * 4096;
        }

        static Descriptor read(ByteBuffer b, int at) {
            return new Descriptor(b.getInt(at), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24),
                    b.getLong(at + 32));
        }

        void write(ByteBuffer b, int at) {
            b.putInt(at, type).putInt(at + 4, 0).putLong(at + 8, phys).putLong(at + 16, virt)
                    .putLong(at + 24, pages).putLong(at + 32, attribute);
        }

        @Override
        public String toString() {
            return String.format("%-12s %#014x-%#014x %s", typeName(type), phys, end() - 1, attributes(attribute));
        }
    }

    static final String[] TYPES = {"RESERVED", "LOADER_CODE", "LOADER_DATA", "BS_CODE", "BS_DATA", "RT_CODE",
        "RT_DATA", "CONVENTIONAL", "UNUSABLE", "ACPI_RECLAIM", "ACPI_NVS", "MMIO", "MMIO_PORT", "PAL_CODE",
        "PERSISTENT"};

    static String typeName(int type) {
        return type >= 0 && type < TYPES.length ? TYPES[type] : "type " + type;
    }

    static String attributes(long a) {
        StringBuilder b = new StringBuilder();
        String[] names = {"UC", "WC", "WT", "WB"};
        for (int i = 0; i < 4; i++) {
            if ((a & (1L << i)) != 0) {
                b.append(b.length() == 0 ? "" : "|").append(names[i]);
            }
        }
        if (a < 0) {
            b.append(b.length() == 0 ? "" : "|").append("RUNTIME");
        }
        return b.toString();
    }

    /** Return the firmware of the bundled profile. */
    static Ia64Firmware reference() {
        try (InputStream in = Ia64Firmware.class.getResourceAsStream(PROFILE_IOMEM)) {
            if (in == null) {
                throw new IllegalStateException("the ia64 plugin jar has no " + PROFILE_IOMEM);
            }
            return of(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Build the firmware of a /proc/iomem text, one descriptor per top-level line. */
    static Ia64Firmware of(String iomem) {
        List<Descriptor> map = new ArrayList<>();
        long bootParam = 0;
        long efiMap = 0;
        long kernel = -1;
        long rtData = 0;
        List<long[]> tops = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String line : iomem.split("\n")) {
            int colon = line.indexOf(" : ");
            if (colon < 0) {
                continue;
            }
            String[] range = line.substring(0, colon).trim().split("-");
            long start = Long.parseUnsignedLong(range[0], 16);
            long end = Long.parseUnsignedLong(range[1], 16);
            String name = line.substring(colon + 3).trim();
            if (!line.startsWith(" ")) {
                tops.add(new long[] {start, end});
                names.add(name);
            } else if (name.equals("Boot parameter")) {
                bootParam = start;
            } else if (name.equals("EFI Memory Map")) {
                efiMap = start;
            } else if (name.equals("Kernel code")) {
                kernel = start;
            }
        }
        int reserved = 0;
        for (int i = 0; i < tops.size(); i++) {
            long start = tops.get(i)[0];
            long pages = (tops.get(i)[1] + 1 - start) / 4096;
            String name = names.get(i);
            Descriptor d;
            if (name.equals("System RAM")) {
                boolean holdsKernel = kernel >= start && kernel <= tops.get(i)[1];
                int type = holdsKernel ? 2 : start == 0x100000 ? 4 : 7;
                d = new Descriptor(type, start, 0, pages, 0xF);
            } else if (name.equals("Uncached RAM")) {
                d = new Descriptor(7, start, 0, pages, 0x1);
            } else {
                // the reserved ranges in order: runtime data, runtime code, PAL code (legacy ROM first)
                int type = start < 0x100000 ? 0 : new int[] {6, 5, 13}[Math.min(reserved++, 2)];
                d = new Descriptor(type, start, type == 0 ? 0 : REGION7 | start, pages,
                        type == 0 ? 0x1 : 0x8 | Long.MIN_VALUE);
                if (type == 6) {
                    rtData = start;
                }
            }
            map.add(d);
        }
        // the legacy I/O port space ar.k0 points at
        map.add(new Descriptor(12, 0xffffc000000L, REGION7 | 0xffffc000000L, 0x4000, 0x1 | Long.MIN_VALUE));
        map.sort((a, b) -> Long.compareUnsigned(a.phys(), b.phys()));

        Map<Long, byte[]> memory = new TreeMap<>();
        // boot_param: the kernel keeps a page for it
        ByteBuffer bp = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        long systab = rtData;
        long runtime = rtData + 0x100;
        long fdesc = rtData + 0x200;
        long oldCommandLine = bootParam + 0x100;
        bp.putLong(0, REGION7 | oldCommandLine).putLong(8, systab).putLong(16, efiMap)
                .putLong(24, (long) map.size() * DESC_SIZE).putLong(32, DESC_SIZE).putInt(40, 1)
                .putShort(44, (short) 80).putShort(46, (short) 25).putShort(48, (short) 0).putShort(50, (short) 24)
                .putLong(56, 0x3fb20000L).putLong(64, 0x7e00000L).putLong(72, 0x180000L);
        bp.put(0x100, OLD_COMMAND_LINE.getBytes(StandardCharsets.US_ASCII));
        memory.put(bootParam, bp.array());
        ByteBuffer em = ByteBuffer.allocate(map.size() * DESC_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < map.size(); i++) {
            map.get(i).write(em, i * DESC_SIZE);
        }
        memory.put(efiMap, em.array());
        ByteBuffer tables = ByteBuffer.allocate(0x210).order(ByteOrder.LITTLE_ENDIAN);
        tables.putLong(0, 0x5453595320494249L).putInt(8, (2 << 16) | 10).putInt(12, 0x78);
        tables.putLong(88, REGION7 | runtime);
        tables.putLong(0x100, 0x56524553544e5552L).putInt(0x108, (2 << 16) | 10);
        tables.putLong(0x100 + 56, REGION7 | fdesc);
        tables.putLong(0x200, REGION7 | SETVIRTUALADDRESSMAP_IP).putLong(0x208, REGION7 | FIRMWARE_GP);
        memory.put(systab, tables.array());
        return new Ia64Firmware(memory, bootParam, fdesc, List.copyOf(map));
    }

    /** Return the firmware block holding {@code [addr, addr + len)}, if one does. */
    Optional<Map.Entry<Long, byte[]>> block(long addr, long len) {
        for (Map.Entry<Long, byte[]> e : memory.entrySet()) {
            if (addr >= e.getKey() && len >= 0 && addr - e.getKey() + len <= e.getValue().length) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** Return the u64 at {@code addr}; 0 where firmware memory has nothing (bytes past a block's end read 0). */
    long read64(long addr) {
        return block(addr, 1).map(e -> {
            byte[] b = e.getValue();
            int off = (int) (addr - e.getKey());
            long v = 0;
            for (int i = 0; i < 8 && off + i < b.length; i++) {
                v |= (b[off + i] & 0xFFL) << (8 * i);
            }
            return v;
        }).orElse(0L);
    }

    /** Write bytes into the firmware block that holds them; return whether one did. */
    boolean write(long addr, byte[] data) {
        Optional<Map.Entry<Long, byte[]>> e = block(addr, data.length);
        e.ifPresent(b -> System.arraycopy(data, 0, b.getValue(), (int) (addr - b.getKey()), data.length));
        return e.isPresent();
    }

    /** Decode a map of {@code size} bytes with the firmware's stride. */
    static List<Descriptor> decode(byte[] map, int descSize) {
        ByteBuffer b = ByteBuffer.wrap(map).order(ByteOrder.LITTLE_ENDIAN);
        List<Descriptor> out = new ArrayList<>();
        for (int at = 0; at + descSize <= map.length; at += descSize) {
            out.add(Descriptor.read(b, at));
        }
        return out;
    }
}
