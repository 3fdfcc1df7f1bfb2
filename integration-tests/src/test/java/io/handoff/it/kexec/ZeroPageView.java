package io.handoff.it.kexec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only decoding of an x86 zero page ({@code struct boot_params}, 4096 bytes) as a loader wrote it: the
 * fields the differential tests compare, the e820 table, and through the loaded segments the command line and
 * the {@code setup_data} chain.
 *
 * <p>Offsets are those of the Linux boot protocol (Documentation/arch/x86/boot.rst), read here independently of
 * the plugin's own writer.
 */
public final class ZeroPageView {
    /** Size of the zero page. */
    public static final int SIZE = 4096;
    /** Entries the zero page itself holds ({@code E820MAX}). */
    public static final int E820_MAX = 128;
    /** {@code setup_data} type of the e820 extension node. */
    public static final int SETUP_E820_EXT = 1;

    static final int EXT_MEM_K = 0x002;
    static final int CL_MAGIC = 0x020;
    static final int CL_OFFSET = 0x022;
    static final int ACPI_RSDP_ADDR = 0x070;
    static final int EXT_RAMDISK_IMAGE = 0x0C0;
    static final int EXT_RAMDISK_SIZE = 0x0C4;
    static final int EXT_CMD_LINE_PTR = 0x0C8;
    static final int ALT_MEM_K = 0x1E0;
    static final int E820_ENTRIES = 0x1E8;
    static final int EDDBUF_ENTRIES = 0x1E9;
    static final int EDD_MBR_SIG_ENTRIES = 0x1EA;
    static final int SETUP_HEADER = 0x1F1;
    static final int MOUNT_ROOT_RDONLY = 0x1F2;
    static final int ROOT_DEV = 0x1FC;
    static final int JUMP_LENGTH = 0x201;
    static final int TYPE_OF_LOADER = 0x210;
    static final int LOADFLAGS = 0x211;
    static final int RAMDISK_IMAGE = 0x218;
    static final int RAMDISK_SIZE = 0x21C;
    static final int CMD_LINE_PTR = 0x228;
    static final int HARDWARE_SUBARCH = 0x23C;
    static final int SETUP_DATA = 0x250;
    static final int E820_TABLE = 0x2D0;
    static final int E820_ENTRY_SIZE = 20;

    private final byte[] page;
    private final ByteBuffer le;

    private ZeroPageView(byte[] page) {
        this.page = page;
        this.le = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Decode the first 4096 bytes of a setup segment.
     *
     * @throws IllegalArgumentException when there is no "HdrS" at 0x202
     */
    public static ZeroPageView of(byte[] setupSegment) {
        if (setupSegment.length < SIZE || !KexecToolsRun.isZeroPage(setupSegment)) {
            throw new IllegalArgumentException("not a zero page: " + setupSegment.length + " bytes, no HdrS at 0x202");
        }
        return new ZeroPageView(Arrays.copyOf(setupSegment, SIZE));
    }

    /** Decode the zero page of a load's {@code setup} segment. */
    public static ZeroPageView of(CapturedLoad load) {
        return of(load.require(LoadedSegment.SETUP).data());
    }

    /** Return a copy of the 4096 bytes. */
    public byte[] bytes() {
        return page.clone();
    }

    public int u8(int offset) {
        return page[offset] & 0xff;
    }

    public int u16(int offset) {
        return Short.toUnsignedInt(le.getShort(offset));
    }

    public long u32(int offset) {
        return Integer.toUnsignedLong(le.getInt(offset));
    }

    public long u64(int offset) {
        return le.getLong(offset);
    }

    /** Return {@code ramdisk_image | ext_ramdisk_image << 32}. */
    public long ramdiskImage() {
        return u32(RAMDISK_IMAGE) | u32(EXT_RAMDISK_IMAGE) << 32;
    }

    /** Return {@code ramdisk_size | ext_ramdisk_size << 32}. */
    public long ramdiskSize() {
        return u32(RAMDISK_SIZE) | u32(EXT_RAMDISK_SIZE) << 32;
    }

    /** Return {@code cmd_line_ptr | ext_cmd_line_ptr << 32}. */
    public long cmdLinePtr() {
        return u32(CMD_LINE_PTR) | u32(EXT_CMD_LINE_PTR) << 32;
    }

    /** Return the head of the {@code setup_data} list (0 when empty). */
    public long setupData() {
        return u64(SETUP_DATA);
    }

    /** Return the bytes of the setup header as the image defines it: 0x1F1 up to 0x202 + byte[0x201]. */
    public byte[] setupHeader() {
        return Arrays.copyOfRange(page, SETUP_HEADER, 0x202 + u8(JUMP_LENGTH));
    }

    /** Return the entries of the zero page's own e820 table ({@code e820_entries} of them, at most 128). */
    public List<E820Entry> e820Table() {
        int n = Math.min(u8(E820_ENTRIES), E820_MAX);
        List<E820Entry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int o = E820_TABLE + i * E820_ENTRY_SIZE;
            out.add(new E820Entry(u64(o), u64(o + 8), (int) u32(o + 16)));
        }
        return out;
    }

    /** Return the command line {@code cmd_line_ptr} points at, read from the loaded segments. */
    public String commandLine(CapturedLoad load) {
        return load.readString(cmdLinePtr(), 2048);
    }

    /** Return the {@code setup_data} nodes, followed by physical address through the loaded segments. */
    public List<SetupDataNode> setupDataChain(CapturedLoad load) {
        List<SetupDataNode> out = new ArrayList<>();
        long next = setupData();
        while (next != 0) {
            if (out.size() > 64) {
                throw new AssertionError(load.source() + ": setup_data chain longer than 64 nodes (a loop?)");
            }
            ByteBuffer h = ByteBuffer.wrap(load.read(next, 16)).order(ByteOrder.LITTLE_ENDIAN);
            long following = h.getLong(0);
            int type = h.getInt(8);
            int len = h.getInt(12);
            out.add(new SetupDataNode(next, type, load.read(next + 16, len)));
            next = following;
        }
        return out;
    }

    /** Return the whole e820 map the capture kernel sees: the table, then every SETUP_E820_EXT node's entries. */
    public List<E820Entry> e820All(CapturedLoad load) {
        List<E820Entry> out = new ArrayList<>(e820Table());
        for (SetupDataNode node : setupDataChain(load)) {
            if (node.type() == SETUP_E820_EXT) {
                ByteBuffer b = ByteBuffer.wrap(node.data()).order(ByteOrder.LITTLE_ENDIAN);
                if (node.data().length % E820_ENTRY_SIZE != 0) {
                    throw new AssertionError(String.format("%s: SETUP_E820_EXT node at %#x has %d bytes, not a multiple of 20",
                            load.source(), node.address(), node.data().length));
                }
                for (int o = 0; o < node.data().length; o += E820_ENTRY_SIZE) {
                    out.add(new E820Entry(b.getLong(o), b.getLong(o + 8), b.getInt(o + 16)));
                }
            }
        }
        return out;
    }

    /**
     * Return the scalar fields the differential tests compare, by name, that do not depend on where segments
     * were placed.
     */
    public Map<String, Long> placementFreeFields() {
        Map<String, Long> f = new LinkedHashMap<>();
        f.put("ext_mem_k (0x002)", (long) u16(EXT_MEM_K));
        f.put("cl_magic (0x020)", (long) u16(CL_MAGIC));
        f.put("cl_offset (0x022)", (long) u16(CL_OFFSET));
        f.put("acpi_rsdp_addr (0x070)", u64(ACPI_RSDP_ADDR));
        f.put("ext_ramdisk_size (0x0C4)", u32(EXT_RAMDISK_SIZE));
        f.put("alt_mem_k (0x1E0)", u32(ALT_MEM_K));
        f.put("e820_entries (0x1E8)", (long) u8(E820_ENTRIES));
        f.put("eddbuf_entries (0x1E9)", (long) u8(EDDBUF_ENTRIES));
        f.put("edd_mbr_sig_buf_entries (0x1EA)", (long) u8(EDD_MBR_SIG_ENTRIES));
        f.put("setup_sects (0x1F1)", (long) u8(SETUP_HEADER));
        f.put("mount_root_rdonly (0x1F2)", (long) u16(MOUNT_ROOT_RDONLY));
        f.put("root_dev (0x1FC)", (long) u16(ROOT_DEV));
        f.put("type_of_loader (0x210)", (long) u8(TYPE_OF_LOADER));
        f.put("loadflags (0x211)", (long) u8(LOADFLAGS));
        f.put("ramdisk_size (0x21C)", u32(RAMDISK_SIZE));
        f.put("hardware_subarch (0x23C)", u32(HARDWARE_SUBARCH));
        return f;
    }

    /**
     * The zero-page byte ranges whose values are addresses of placed segments: {@code ext_ramdisk_image},
     * {@code ext_cmd_line_ptr}, {@code ramdisk_image}, {@code cmd_line_ptr}, {@code setup_data}; as
     * {offset, length} pairs.
     */
    public static int[][] placementFields() {
        return new int[][] {{EXT_RAMDISK_IMAGE, 4}, {EXT_CMD_LINE_PTR, 4}, {RAMDISK_IMAGE, 4}, {CMD_LINE_PTR, 4},
            {SETUP_DATA, 8}};
    }

    /**
     * One e820 entry.
     *
     * @param addr start
     * @param size length in bytes
     * @param type 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 7 PMEM, 12 PRAM
     */
    public record E820Entry(long addr, long size, int type) {
        @Override
        public String toString() {
            return String.format("%#x-%#x(%d)", addr, addr + size - 1, type);
        }
    }

    /**
     * One {@code setup_data} node.
     *
     * @param address physical address of its header
     * @param type {@code setup_data} type
     * @param data its payload
     */
    public record SetupDataNode(long address, int type, byte[] data) {
    }
}
