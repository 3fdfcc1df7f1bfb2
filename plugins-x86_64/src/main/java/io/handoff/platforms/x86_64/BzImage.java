package io.handoff.platforms.x86_64;

import io.handoff.api.plan.SegmentData;
import io.handoff.api.support.FileSlices;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The facts of a bzImage's setup header that a 64-bit loader needs (x86 boot protocol 2.12 or later).
 *
 * <p>Offsets are those of Documentation/arch/x86/boot.rst. {@link #setupHeader()} holds the raw header bytes
 * from 0x1F1, as many as kexec-tools copies into the zero page.
 *
 * @param file the kernel image file
 * @param fileSize the file's length in bytes
 * @param setupSects the real-mode setup sectors ({@code setup_sects} at 0x1F1; 0 already replaced by 4)
 * @param syssize the protected-mode size in 16-byte paragraphs (0x1F4)
 * @param protocolVersion the boot protocol version (0x206), such as {@code 0x020F} for 2.15
 * @param loadFlags {@code loadflags} (0x211)
 * @param xloadFlags {@code xloadflags} (0x236)
 * @param initrdAddrMax the highest address an initrd may end at for 32-bit loaders (0x22C)
 * @param kernelAlignment the alignment the kernel must be loaded at (0x230), a power of two
 * @param relocatable whether the kernel is relocatable ({@code relocatable_kernel} at 0x234)
 * @param minAlignment log2 of the smallest acceptable alignment (0x235)
 * @param cmdlineSize the longest command line the kernel accepts, without the NUL (0x238)
 * @param hardwareSubarch the {@code hardware_subarch} of the image (0x23C)
 * @param prefAddress the preferred load address (0x258)
 * @param initSize the memory the kernel needs from its load address before it is decompressed (0x260)
 * @param handoverOffset the EFI handover entry offset (0x264); unused by kexec
 * @param headerEnd the end of the setup header: 0x202 plus the byte at 0x201
 * @param setupHeader the raw bytes from 0x1F1, capped at 0x7F bytes as kexec-tools copies them
 * @since 0.1
 */
public record BzImage(Path file, long fileSize, int setupSects, long syssize, int protocolVersion, int loadFlags,
                      int xloadFlags, long initrdAddrMax, long kernelAlignment, boolean relocatable, int minAlignment,
                      long cmdlineSize, long hardwareSubarch, long prefAddress, long initSize, long handoverOffset,
                      int headerEnd, byte[] setupHeader) {
    /** Where the setup header starts in the image and in the zero page. */
    public static final int SETUP_HEADER_OFFSET = 0x1F1;
    /** How many setup header bytes kexec-tools copies at most (kexec-bzImage64.c caps the copy; the kernel's loader does not). */
    public static final int SETUP_HEADER_MAX = 0x7F;
    /** {@code loadflags} bit 0: the protected-mode code loads at 0x100000. */
    public static final int LOADED_HIGH = 1;
    /** {@code xloadflags} bit 0: a 64-bit entry point at load address + 0x200. */
    public static final int XLF_KERNEL_64 = 1;
    /** {@code xloadflags} bit 1: kernel, boot_params, command line and initrd may live above 4 GiB. */
    public static final int XLF_CAN_BE_LOADED_ABOVE_4G = 1 << 1;
    /** {@code xloadflags} bit 2: 32-bit EFI handover entry. */
    public static final int XLF_EFI_HANDOVER_32 = 1 << 2;
    /** {@code xloadflags} bit 3: 64-bit EFI handover entry. */
    public static final int XLF_EFI_HANDOVER_64 = 1 << 3;
    /** {@code xloadflags} bit 4: the kernel accepts the EFI runtime map from a kexec loader. */
    public static final int XLF_EFI_KEXEC = 1 << 4;
    /** The offset of the 64-bit entry point from the load address. */
    public static final long ENTRY_64_OFFSET = 0x200;
    /** The longest command line kexec-tools passes, NUL included ({@code COMMAND_LINE_SIZE}). */
    public static final int COMMAND_LINE_SIZE = 2048;

    public BzImage {
        Objects.requireNonNull(file, "file");
        setupHeader = setupHeader.clone();
    }

    /** Return a copy of the raw setup header bytes (from 0x1F1). */
    @Override
    public byte[] setupHeader() {
        return setupHeader.clone();
    }

    /** Return the size of the real-mode part, {@code (setup_sects + 1) * 512}: the protected-mode kernel starts there. */
    public long kern16Size() {
        return (setupSects + 1L) * 512;
    }

    /** Return the number of bytes of the protected-mode kernel (the kernel segment's bufsz). */
    public long kernelLength() {
        return fileSize - kern16Size();
    }

    /** Return the protected-mode kernel as a slice of the file, for the kernel segment. */
    public SegmentData.FileSlice kernelSlice() {
        return FileSlices.slice(file, fileSize, kern16Size(), kernelLength());
    }

    /** Return the kernel segment's memsz: {@code init_size} rounded up to 4 KiB. */
    public long kernelMemsz() {
        return (initSize + 4095) & ~4095L;
    }

    /** Return the lowest load address: max(1 MiB, {@code pref_address}). */
    public long minLoadAddress() {
        return Math.max(0x100000L, prefAddress);
    }

    /** Return the longest command line this kernel takes in bytes without the NUL: min(cmdline_size, 2047). */
    public int commandLineLimit() {
        return (int) Math.min(cmdlineSize, COMMAND_LINE_SIZE - 1);
    }

    /** Return whether the kernel accepts the EFI runtime map from kexec ({@code XLF_EFI_KEXEC}). */
    public boolean efiKexec() {
        return (xloadFlags & XLF_EFI_KEXEC) != 0;
    }

    /** Return whether the image has a 32-bit EFI handover entry. */
    public boolean efiHandover32() {
        return (xloadFlags & XLF_EFI_HANDOVER_32) != 0;
    }

    /** Return whether the image has a 64-bit EFI handover entry. */
    public boolean efiHandover64() {
        return (xloadFlags & XLF_EFI_HANDOVER_64) != 0;
    }

    /** Return the protocol version as {@code major.minor}, such as {@code 2.15}. */
    public String protocol() {
        return (protocolVersion >> 8) + "." + String.format("%02d", protocolVersion & 0xFF);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BzImage b && file.equals(b.file) && fileSize == b.fileSize && setupSects == b.setupSects
                && syssize == b.syssize && protocolVersion == b.protocolVersion && loadFlags == b.loadFlags
                && xloadFlags == b.xloadFlags && initrdAddrMax == b.initrdAddrMax
                && kernelAlignment == b.kernelAlignment && relocatable == b.relocatable
                && minAlignment == b.minAlignment && cmdlineSize == b.cmdlineSize
                && hardwareSubarch == b.hardwareSubarch && prefAddress == b.prefAddress && initSize == b.initSize
                && handoverOffset == b.handoverOffset && headerEnd == b.headerEnd
                && Arrays.equals(setupHeader, b.setupHeader);
    }

    @Override
    public int hashCode() {
        return Objects.hash(file, fileSize, protocolVersion, xloadFlags, initSize, Arrays.hashCode(setupHeader));
    }

    @Override
    public String toString() {
        return String.format("BzImage[%s, protocol %s, setup_sects %d, xloadflags %#x, kernel_alignment %#x, "
                        + "pref_address %#x, init_size %#x, cmdline_size %d]", file, protocol(), setupSects,
                xloadFlags, kernelAlignment, prefAddress, initSize, cmdlineSize);
    }
}
