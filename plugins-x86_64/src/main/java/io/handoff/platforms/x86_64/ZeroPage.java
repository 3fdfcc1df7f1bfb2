package io.handoff.platforms.x86_64;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.BootParameters;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The x86 zero page ({@code struct boot_params}) and command line a 64-bit kernel is entered with, built as
 * kexec-tools' {@code do_bzImage64_load} and {@code setup_linux_*_parameters} build them.
 *
 * <p>The page starts zeroed with only the image's setup header copied in (0x1F1 onwards); then the loader
 * fields (type_of_loader 0xD0, loadflags 0, {@code cl_magic}/{@code cl_offset}), the running kernel's
 * {@code screen_info}, {@code hardware_subarch} and {@code acpi_rsdp_addr}, and kexec-tools' defaults
 * ({@code mount_root_rdonly} 0xFFFF, {@code root_dev} 0x0300) are filled. The memory map is written later by
 * a {@link io.handoff.api.spi.MemoryMapPassing}; addresses once the segments are placed.
 *
 * <p>The setup segment is kexec-tools' layout: the page, zeros up to {@link #commandLineOffset()}
 * (max(4096, the image's real-mode size)), the NUL-terminated command line, and 64 spare bytes.
 *
 * @since 0.1
 */
public final class ZeroPage implements BootParameters {
    /** The size of {@code struct boot_params}. */
    public static final int SIZE = 4096;
    /** Spare bytes after the command line that kexec-tools reserves for purgatory ({@code PURGATORY_CMDLINE_SIZE}). */
    public static final int PURGATORY_CMDLINE_SIZE = 64;
    /** {@code type_of_loader}: kexec's id 0xD shifted into the high nibble. */
    public static final int LOADER_TYPE_KEXEC = 0xD0;
    /** The magic at {@code cl_magic} (0x020) that says {@code cl_offset} is valid. */
    public static final int CL_MAGIC = 0xA33F;
    /** The zero-page offset of the {@code setup_data} list head (u64, in the setup header). */
    public static final int SETUP_DATA_OFFSET = 0x250;

    static final int SCREEN_INFO_SIZE = 0x40;
    private static final int ACPI_RSDP_OFFSET = 0x070;
    private static final int HARDWARE_SUBARCH_OFFSET = 0x23C;

    private final BzImage image;
    private final byte[] page = new byte[SIZE];
    private String commandLine;
    private final List<SetupData> pending = new ArrayList<>();

    private ZeroPage(BzImage image, String commandLine) {
        this.image = image;
        this.commandLine = commandLine;
    }

    /**
     * Start the zero page of an image.
     *
     * @param image the kernel being loaded
     * @param commandLine its command line as given
     * @param hostBootParams the running kernel's {@code /sys/kernel/boot_params/data}, if readable
     * @return the page, ready for the memory map and addresses
     * @throws HandoffException {@code COMMAND_LINE_TOO_LONG} when the command line is over the image's limit
     */
    public static ZeroPage create(BzImage image, String commandLine, Optional<byte[]> hostBootParams) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(commandLine, "commandLine");
        ZeroPage zp = new ZeroPage(image, commandLine);
        zp.checkLength(commandLine);
        zp.fill(hostBootParams.orElse(new byte[0]));
        return zp;
    }

    private void fill(byte[] host) {
        ByteBuffer b = le();
        byte[] header = image.setupHeader();
        System.arraycopy(header, 0, page, BzImage.SETUP_HEADER_OFFSET, header.length);
        b.put(0x210, (byte) LOADER_TYPE_KEXEC);
        b.put(0x211, (byte) 0); // no loader flags: not LOADED_HIGH-dependent, no heap, not quiet
        if (host.length >= HARDWARE_SUBARCH_OFFSET + 4) {
            b.putInt(HARDWARE_SUBARCH_OFFSET, ByteBuffer.wrap(host).order(ByteOrder.LITTLE_ENDIAN)
                    .getInt(HARDWARE_SUBARCH_OFFSET));
        }
        // kexec-tools' default text screen; replaced by the running kernel's screen_info when it can be read.
        b.put(0x07, (byte) 80).put(0x0E, (byte) 25).put(0x0F, (byte) 1).putShort(0x10, (short) 16);
        if (host.length >= SCREEN_INFO_SIZE) {
            System.arraycopy(host, 0, page, 0, SCREEN_INFO_SIZE);
        }
        b.putShort(0x20, (short) CL_MAGIC);
        b.putShort(0x22, (short) commandLineOffset());
        b.putShort(E820Table.EXT_MEM_K_OFFSET, (short) 0); // the memory map sets these, or nothing does
        b.putInt(E820Table.ALT_MEM_K_OFFSET, 0);
        b.put(E820Table.COUNT_OFFSET, (byte) 0);
        b.putShort(0x1F2, (short) 0xFFFF); // mount_root_rdonly: the command line can override it
        b.putShort(0x1FC, (short) 0x0300); // root_dev /dev/hda, kexec-tools' "safe default"
        b.put(0x1FF, (byte) 0); // aux_device_info
        if (host.length >= ACPI_RSDP_OFFSET + 8) {
            b.putLong(ACPI_RSDP_OFFSET, ByteBuffer.wrap(host).order(ByteOrder.LITTLE_ENDIAN).getLong(ACPI_RSDP_OFFSET));
        }
    }

    /** Return the image this page is for. */
    public BzImage image() {
        return image;
    }

    /** Return a little-endian view of the 4096-byte page; writes go into the page. */
    @Override
    public ByteBuffer block() {
        return le();
    }

    /** Return a copy of the 4096 bytes of the page. */
    public byte[] bytes() {
        return page.clone();
    }

    @Override
    public String commandLine() {
        return commandLine;
    }

    @Override
    public int commandLineLimit() {
        return image.commandLineLimit();
    }

    /**
     * Append a word after a space, as kexec-tools appends its own parameters; to an empty line without one
     * (kexec-tools would start the line with a space, but it cannot plan a kdump without --append at all).
     *
     * @throws HandoffException {@code COMMAND_LINE_TOO_LONG} past {@link #commandLineLimit()}
     */
    @Override
    public void appendCommandLine(String word) {
        Objects.requireNonNull(word, "word");
        String longer = commandLine.isEmpty() ? word : commandLine + " " + word;
        checkLength(longer);
        commandLine = longer;
    }

    private void checkLength(String line) {
        int length = line.getBytes(StandardCharsets.UTF_8).length;
        if (length > commandLineLimit()) {
            throw new HandoffException(FailureKind.COMMAND_LINE_TOO_LONG, String.format(
                    "%s: command line is %d bytes; this kernel takes at most %d", image.file(), length,
                    commandLineLimit()));
        }
    }

    /** Queue a setup_data node; the platform places it and links it with {@link #linkSetupData}. */
    @Override
    public void addLinkedData(int type, byte[] payload) {
        pending.add(new SetupData(type, payload));
    }

    /** Return the setup_data nodes queued and not yet linked, in the order they were added. */
    public List<SetupData> pendingSetupData() {
        return List.copyOf(pending);
    }

    /** Return the current head of the setup_data list ({@code hdr.setup_data}, 0x250). */
    public long setupDataHead() {
        return le().getLong(SETUP_DATA_OFFSET);
    }

    /**
     * Return a queued node's bytes, pointing at the current list head: kexec-tools pushes each node at the head.
     *
     * @param node a node from {@link #pendingSetupData()}
     * @return the bytes to place (16-byte header and payload)
     */
    public byte[] setupDataNode(SetupData node) {
        return node.encode(setupDataHead());
    }

    /**
     * Make a node the platform placed itself (not queued) the new list head, as kexec-tools' {@code add_setup_data}
     * does for the {@code SETUP_EFI} node.
     *
     * @param address where the node, built with {@code next} = {@link #setupDataHead()}, was placed
     */
    public void pushSetupData(long address) {
        le().putLong(SETUP_DATA_OFFSET, address);
    }

    /** Make the node placed at {@code address} the new list head and take it off the queue. */
    public void linkSetupData(SetupData node, long address) {
        if (!pending.remove(node)) {
            throw new IllegalStateException("setup_data node not queued: " + node);
        }
        le().putLong(SETUP_DATA_OFFSET, address);
    }

    /** Return where the command line starts in the setup segment: max(4096, the image's real-mode size). */
    public int commandLineOffset() {
        return (int) Math.max(SIZE, image.kern16Size());
    }

    /** Return the setup segment's length: page and padding, command line with its NUL, and 64 spare bytes. */
    public int setupSegmentLength() {
        return commandLineOffset() + commandLine.getBytes(StandardCharsets.UTF_8).length + 1 + PURGATORY_CMDLINE_SIZE;
    }

    /** Set the initrd's address and size; the high halves go to {@code ext_ramdisk_image/size} (0x0C0/0x0C4). */
    public void setRamdisk(long address, long size) {
        le().putInt(0x218, (int) address).putInt(0x21C, (int) size)
                .putInt(0x0C0, (int) (address >>> 32)).putInt(0x0C4, (int) (size >>> 32));
    }

    /** Return a copy of the 32 bytes of {@code efi_info} (0x1C0). */
    public byte[] efiInfo() {
        byte[] out = new byte[EfiBootData.EFI_INFO_SIZE];
        System.arraycopy(page, EfiBootData.EFI_INFO_OFFSET, out, 0, out.length);
        return out;
    }

    /** Replace the 32 bytes of {@code efi_info} (0x1C0), as kexec-tools copies or zeroes them. */
    public void setEfiInfo(byte[] efiInfo) {
        if (efiInfo.length != EfiBootData.EFI_INFO_SIZE) {
            throw new IllegalArgumentException("efi_info is 32 bytes, not " + efiInfo.length);
        }
        System.arraycopy(efiInfo, 0, page, EfiBootData.EFI_INFO_OFFSET, efiInfo.length);
    }

    /** Set {@code acpi_rsdp_addr} (0x070), for a loader that finds the RSDP elsewhere (EFI systab). */
    public void setAcpiRsdp(long address) {
        le().putLong(ACPI_RSDP_OFFSET, address);
    }

    /** Return {@code acpi_rsdp_addr} (0x070) as it stands, 0 when unknown. */
    public long acpiRsdp() {
        return le().getLong(ACPI_RSDP_OFFSET);
    }

    /**
     * Return the setup segment for its load address: {@code cmd_line_ptr} (0x228) and
     * {@code ext_cmd_line_ptr} (0x0C8) are set to {@code setupBase + commandLineOffset()}.
     *
     * @param setupBase where the setup segment is placed
     * @return {@link #setupSegmentLength()} bytes
     */
    public byte[] setupSegment(long setupBase) {
        long pointer = setupBase + commandLineOffset();
        le().putInt(0x228, (int) pointer).putInt(0x0C8, (int) (pointer >>> 32));
        byte[] out = new byte[setupSegmentLength()];
        System.arraycopy(page, 0, out, 0, SIZE);
        byte[] line = commandLine.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(line, 0, out, commandLineOffset(), line.length); // NUL and spare bytes stay zero
        return out;
    }

    private ByteBuffer le() {
        return ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
    }
}
