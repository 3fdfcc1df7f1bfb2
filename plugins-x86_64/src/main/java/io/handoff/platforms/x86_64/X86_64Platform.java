package io.handoff.platforms.x86_64;

import io.handoff.api.BundledProfile;
import io.handoff.api.Capabilities;
import io.handoff.api.DebianKernel;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.ImageFormat;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.SyscallNumbers;
import io.handoff.api.spi.MemoryMapPassing;
import io.handoff.api.spi.Platform;
import io.handoff.api.spi.ShippedPurgatory;
import io.handoff.api.support.ElfIdent;
import io.handoff.api.support.FileSlices;
import io.handoff.api.support.GenericSteps;
import io.handoff.api.machine.EfiFirmware;
import io.handoff.api.machine.FirmwareMemmapEntry;
import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.IomemEntry;
import io.handoff.api.machine.KernelText;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.PrstatusLayout;
import io.handoff.api.machine.RangeType;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.CaptureMemoryMap;
import io.handoff.api.plan.Direction;
import io.handoff.api.plan.ElfCoreRequest;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.pf4j.Extension;

/**
 * The x86_64 platform: a bzImage entered at its 64-bit entry point with a zero page, as kexec-tools'
 * {@code kexec -l}/{@code kexec -p} load it (kexec-bzImage64.c).
 *
 * <p>Placement follows kexec-tools' order: for kdump the 640 KiB backup and the ELF core header first, top-down
 * in the crash region; then the setup segment (zero page and command line, 16-byte aligned, at or above
 * 0x3000, top-down); the kernel ({@code init_size} rounded to a page, at {@code kernel_alignment}, at or above
 * max(1 MiB, {@code pref_address}), top-down); the initrd (page aligned, at or above 16 MiB, top-down); then
 * setup_data nodes (page aligned, at or above 1 MiB, bottom-up). Purgatory, the image the plugin ships at
 * {@value #PURGATORY_RESOURCE}, is placed right after the kdump segments and before the setup segment (page
 * aligned, at or above 0x3000, top-down), where kexec-tools' {@code elf_rel_build_load} puts it.
 *
 * @since 0.1
 */
@Extension
public final class X86_64Platform implements Platform {
    /** The platform id. */
    public static final String ID = "x86_64";
    /** The ELF machine number of x86_64 ({@code EM_X86_64}). */
    public static final int EM_X86_64 = 62;
    /** Where x86_64's {@code struct elf_prstatus} keeps the pid and {@code rip}. */
    public static final PrstatusLayout PRSTATUS = new PrstatusLayout(336, 0x20, 0xF0);
    /** The lowest address kexec-tools gives purgatory and the setup segment. */
    public static final long MIN_SETUP_ADDRESS = 0x3000;
    /** The lowest address of an initrd ({@code INITRD_BASE}). */
    public static final long MIN_INITRD_ADDRESS = 0x100_0000;
    /** The lowest address of a setup_data node. */
    public static final long MIN_SETUP_DATA_ADDRESS = 0x10_0000;

    /** The kexec syscalls of x86_64 Linux (arch/x86/entry/syscalls/syscall_64.tbl). */
    public static final SyscallNumbers SYSCALLS = new SyscallNumbers(246, 320, 169);
    /** The bundled profile {@code handoff simulate --platform x86_64} runs on by default. */
    public static final BundledProfile QEMU_PC = new BundledProfile("qemu-pc-x86_64-1g",
            "QEMU pc, 1 GiB, crashkernel=256M, 2 CPUs");

    /** A UEFI machine: QEMU q35 booted through OVMF (the profile efi-warm-reboot simulations run on). */
    public static final BundledProfile QEMU_Q35_OVMF = new BundledProfile("qemu-q35-ovmf-x86_64-2g",
            "QEMU q35 through OVMF (UEFI), 2 GiB, crashkernel=256M, 2 CPUs");

    /** The resource the plugin's purgatory image is built into (from {@code framework/purgatory}). */
    public static final String PURGATORY_RESOURCE = "/purgatory/x86_64.bin";

    private static final String BOOT_PARAMS = "/sys/kernel/boot_params/data";
    private static final long REALMODE_IVT_END = 0x400;
    /** kexec-tools' limit on the machine's memory ranges read from /proc/iomem (MAX_MEMORY_RANGES, x86). */
    static final int MAX_MEMORY_RANGES = 2048;
    private static final long ELF64_EHDR_SIZE = 64;
    private static final long ELF64_PHDR_SIZE = 56;
    private static final String EFI_RUNTIME_MAP = "/sys/firmware/efi/runtime-map";
    private static final String EFI_SYSTAB = "/sys/firmware/efi/systab";

    private final Supplier<Optional<byte[]>> purgatory;

    /** Create the platform with the purgatory image the plugin ships, if the build produced one. */
    public X86_64Platform() {
        this(() -> ShippedPurgatory.read(X86_64Platform.class, PURGATORY_RESOURCE));
    }

    /** Create the platform with another purgatory image source (tests). */
    X86_64Platform(Supplier<Optional<byte[]>> purgatory) {
        this.purgatory = purgatory;
    }

    @Override
    public String id() {
        return ID;
    }

    /** Return the image at {@value #PURGATORY_RESOURCE}, or empty when this build of the plugin has none. */
    @Override
    public Optional<byte[]> purgatoryImage() {
        return purgatory.get();
    }

    /** Detect an x86 machine by the boot parameters its kernel exports (only x86 kernels have them). */
    @Override
    public boolean detect(SystemView view) {
        return view.exists(BOOT_PARAMS);
    }

    @Override
    public List<ImageFormat> imageFormats() {
        return List.of(new ImageFormat("bzImage", "x86 bzImage, boot protocol 2.12 or later, 64-bit entry"));
    }

    @Override
    public int elfMachine() {
        return EM_X86_64;
    }

    /** Recognise a bzImage (boot sector and "HdrS"), another x86 boot sector, or an x86_64 ELF (a vmlinux). */
    @Override
    public Optional<String> describeImage(byte[] head) {
        if (head.length >= 0x206 && (head[0x1FE] & 0xFF) == 0x55 && (head[0x1FF] & 0xFF) == 0xAA) {
            boolean hdrs = head[0x202] == 'H' && head[0x203] == 'd' && head[0x204] == 'r' && head[0x205] == 'S';
            return Optional.of(hdrs ? "an x86 bzImage" : "an x86 boot sector without a setup header");
        }
        if (ElfIdent.of(head).filter(id -> id.is(ByteOrder.LITTLE_ENDIAN, EM_X86_64)).isPresent()) {
            return Optional.of("an ELF executable for EM_X86_64 (a vmlinux, not a bzImage)");
        }
        return Optional.empty();
    }

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    /**
     * Return x86_64's {@code struct elf_prstatus}: 336 bytes, {@code pr_pid} at 0x20, and {@code rip} the 17th
     * register of {@code pr_reg} (at 0x70; r15 … orig_ax come first): 0x70 + 16 × 8 = 0xF0.
     */
    @Override
    public Optional<PrstatusLayout> prstatusLayout() {
        return Optional.of(PRSTATUS);
    }

    /** Return {@code amd64} (what a JVM on x86_64 Linux says) and {@code x86_64}. */
    @Override
    public Set<String> hostArchitectures() {
        return Set.of("amd64", "x86_64");
    }

    @Override
    public Optional<SyscallNumbers> syscallNumbers() {
        return Optional.of(SYSCALLS);
    }

    @Override
    public List<BundledProfile> bundledProfiles() {
        return List.of(QEMU_PC, QEMU_Q35_OVMF);
    }

    /** Return Debian's {@code linux-image-amd64}. */
    @Override
    public Optional<DebianKernel> debianKernel() {
        return Optional.of(new DebianKernel("amd64", "amd64"));
    }

    @Override
    public Set<String> capabilities() {
        return Set.of(Capabilities.PORT_IO);
    }

    @Override
    public ArchitectureSteps architectureSteps() {
        return X86_64Steps.ALL;
    }

    @Override
    public Optional<ArchitectureSimulator> simulator() {
        return Optional.of(new X86_64Simulator());
    }

    @Override
    public String description() {
        return "x86_64 (bzImage, 64-bit boot protocol, e820 or memmap= for kdump)";
    }

    @Override
    public PlatformPlan plan(PlanContext context) {
        PlanRequest request = context.request();
        Machine machine = context.machine();
        BzImage image = BzImageParser.parse(request.kernel());
        ZeroPage zeroPage = ZeroPage.create(image, request.commandLine(), machine.bootParams());
        if (zeroPage.acpiRsdp() == 0) {
            efiSystabRsdp(machine.view()).ifPresent(zeroPage::setAcpiRsdp);
        }
        List<String> warnings = new ArrayList<>();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("boot protocol", image.protocol());
        facts.put("setup_sects", Integer.toString(image.setupSects()));
        facts.put("xloadflags", String.format("%#x", image.xloadFlags()));
        facts.put("kernel_alignment", String.format("%#x", image.kernelAlignment()));
        facts.put("pref_address", String.format("%#x", image.prefAddress()));
        facts.put("init_size", String.format("%#x", image.initSize()));
        facts.put("cmdline_size", Long.toString(image.cmdlineSize()));
        if (!image.relocatable()) {
            warnings.add(image.file() + ": kernel is not relocatable; it is loaded at kernel_alignment anyway, as "
                    + "kexec-tools does for 64-bit entry");
        }
        boolean noefi = noefi(context);
        EfiBootData efi = EfiBootData.decide(image, noefi, machine.bootParams(), machine.efiFirmware());
        efi.reason().ifPresent(reason -> {
            warnings.add("EFI not passed: " + reason);
            facts.put("efi", "not passed: " + reason);
        });
        Optional<MemoryMapPassing> passing = request.crash() ? Optional.of(memoryMapPassing(context)) : Optional.empty();
        if (passing.filter(E820Passing.class::isInstance).isEmpty()) {
            // kexec-tools gives the e820 table the machine's own map unless a crash load passes its map there
            E820Table.ofRanges(machineMemory(machine)).writeTo(zeroPage);
        }
        List<PurgatoryStep> moves = new ArrayList<>();
        if (passing.isPresent()) {
            moves.add(planCrashSegments(context, image, zeroPage, passing.get(), facts, noefi));
        }
        if (context.placePurgatory(new Placement(4096, MIN_SETUP_ADDRESS, Long.MAX_VALUE, Direction.TOP_DOWN))
                .isEmpty()) {
            warnings.add("this build of the x86_64 plugin has no purgatory image (" + PURGATORY_RESOURCE + "): the plan "
                    + "has no purgatory segment, so addresses placed after it differ from kexec-tools'");
        }

        byte[] setupBytes = new byte[zeroPage.setupSegmentLength()];
        Segment setup = context.place("setup", new SegmentData.Bytes(setupBytes), setupBytes.length,
                new Placement(16, MIN_SETUP_ADDRESS, Long.MAX_VALUE, Direction.TOP_DOWN));
        Segment kernel = context.place("kernel", image.kernelSlice(), image.kernelMemsz(),
                new Placement(image.kernelAlignment(), image.minLoadAddress(), Long.MAX_VALUE, Direction.TOP_DOWN));
        if (request.initrd().isPresent()) {
            Path initrd = request.initrd().get();
            SegmentData.FileSlice slice = FileSlices.whole(initrd);
            long size = slice.length();
            Segment ramdisk = context.place("initrd", slice, size,
                    new Placement(4096, MIN_INITRD_ADDRESS, Long.MAX_VALUE, Direction.TOP_DOWN));
            zeroPage.setRamdisk(ramdisk.mem(), size);
        }
        // kexec-tools' setup_linux_system_parameters: the EFI node and map first (setup_efi_info), then the
        // E820_EXT node (setup_e820), each placed bottom-up and pushed at the head of the setup_data list.
        if (efi.passed()) {
            passEfi(context, zeroPage, efi, facts);
        }
        for (SetupData node : zeroPage.pendingSetupData()) {
            byte[] bytes = zeroPage.setupDataNode(node);
            Segment placed = context.place("setup-data", new SegmentData.Bytes(bytes), bytes.length,
                    new Placement(4096, MIN_SETUP_DATA_ADDRESS, Long.MAX_VALUE, Direction.BOTTOM_UP));
            zeroPage.linkSetupData(node, placed.mem());
        }
        // The setup segment's bytes depend on addresses known only now (command line, initrd, setup_data), so the
        // buffer placed above is filled last, as kexec-tools fills its real_mode buffer after add_buffer.
        byte[] finished = zeroPage.setupSegment(setup.mem());
        System.arraycopy(finished, 0, setupBytes, 0, finished.length);

        Map<String, Long> registers = entryRegisters(kernel.mem(), setup.mem());
        return new PlatformPlan(registers.get("rip"), registers, zeroPage.commandLine(), facts, warnings, moves,
                Optional.of(X86_64Steps.jump(registers)));
    }

    // setup_efi_data: the SETUP_EFI node (112 bytes) then the runtime map (n x 40 bytes), each page aligned in the
    // lowest hole at or above 1 MiB (inside the crash region for kdump); efi_info points at the map.
    private static void passEfi(PlanContext context, ZeroPage zeroPage, EfiBootData efi, Map<String, String> facts) {
        EfiFirmware firmware = efi.firmware().orElseThrow();
        Placement lowest = new Placement(4096, MIN_SETUP_DATA_ADDRESS, Long.MAX_VALUE, Direction.BOTTOM_UP);
        byte[] node = new SetupData(EfiBootData.SETUP_EFI, EfiBootData.setupDataPayload(firmware))
                .encode(zeroPage.setupDataHead());
        Segment placedNode = context.place("setup-data", new SegmentData.Bytes(node), node.length, lowest);
        zeroPage.pushSetupData(placedNode.mem());
        byte[] map = EfiBootData.runtimeMap(firmware.runtimeMap());
        Segment placedMap = context.place("efi-runtime-map", new SegmentData.Bytes(map), map.length, lowest);
        zeroPage.setEfiInfo(efi.efiInfo(placedMap.mem(), map.length));
        facts.put("efi", String.format("passed: %d runtime regions at %#x (%d bytes), SETUP_EFI at %#x "
                + "(fw_vendor %#x, runtime %#x, tables %#x, smbios %#x)", firmware.runtimeMap().size(),
                placedMap.mem(), map.length, placedNode.mem(), firmware.fwVendor(), firmware.runtime(),
                firmware.configTable(), firmware.smbios()));
    }

    // -O noefi=true|false, else handoff.platforms.x86_64.noefi (reference.conf sets it false)
    private static boolean noefi(PlanContext context) {
        String option = context.request().options().get("noefi");
        if (option == null) {
            return context.settings().has("noefi") && context.settings().getBoolean("noefi");
        }
        return switch (option) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new HandoffException(FailureKind.CONFIGURATION, String.format(
                    "-O noefi=%s: expected true or false", option));
        };
    }

    /**
     * Return the registers the kernel is entered with, as kexec-tools' {@code entry64_regs}: rbx = 0 (the
     * bootstrap processor), rsi = the zero page, rip = the 64-bit entry {@code startup_64}. The plan and
     * purgatory's jump step both use this, so they cannot disagree.
     *
     * @param kernel the kernel segment's base
     * @param zeroPage the setup segment's base (boot_params)
     * @return the registers by name, in that order
     */
    static Map<String, Long> entryRegisters(long kernel, long zeroPage) {
        Map<String, Long> registers = new LinkedHashMap<>();
        registers.put("rbx", 0L);
        registers.put("rsi", zeroPage);
        registers.put("rip", kernel + BzImage.ENTRY_64_OFFSET);
        return registers;
    }

    // The blob is a build output: a plugin built without the C toolchain step has none, and plans say so.
    // Return purgatory's copy of the low memory the capture kernel runs in to the backup segment, where the ELF core
    // header's first PT_LOAD points.
    private PurgatoryStep planCrashSegments(PlanContext context, BzImage image, ZeroPage zeroPage,
                                            MemoryMapPassing passing, Map<String, String> facts,
                                            boolean noefi) {
        Machine machine = context.machine();
        CrashMemory memory = CrashMemory.of(machine.iomem());
        long backupSize = memory.backupSize();
        Segment backup = context.place("backup", new SegmentData.Bytes(new byte[(int) backupSize]), backupSize,
                new Placement(CrashMemory.GRANULE, 0, Long.MAX_VALUE, Direction.TOP_DOWN));
        long kernelPhysical = machine.iomem().first("Kernel code").map(IomemEntry::start).orElseThrow(
                () -> new HandoffException(FailureKind.MALFORMED_PROFILE,
                        "/proc/iomem: no \"Kernel code\" line; cannot tell where the running kernel is"));
        Optional<KernelText> kernelText = KernelMapping.kernelText(machine.kcoreLoads(), machine.kernelSymbols(),
                kernelPhysical);
        byte[] header = context.elfCoreHeader(new ElfCoreRequest(EM_X86_64, ByteOrder.LITTLE_ENDIAN,
                machine.crashNotes(), machine.vmcoreInfo(), kernelText,
                memory.ram(), KernelMapping.pageOffset(machine.kcoreLoads()),
                Optional.of(new ElfCoreRequest.BackupRedirect(memory.backupSource().start(), backup.mem())),
                (int) CrashMemory.GRANULE));
        header = padLikeKexecTools(header, machine, memory, kernelText.isPresent());
        long headerMemsz = CrashMemory.elfHeaderMemsz(header.length);
        Segment elf = context.place("elfcorehdr", new SegmentData.Bytes(header), headerMemsz,
                new Placement(CrashMemory.GRANULE, 0, Long.MAX_VALUE, Direction.TOP_DOWN));
        CaptureMemoryMap map = memory.captureMap(backup.mem(), elf.mem(), headerMemsz);
        // kexec-tools' crashdump-x86.c: acpi_rsdp= unless the new kernel supports EFI kexec, noefi is off and the
        // runtime map directory exists (decided before setup_efi_info's other rules are checked).
        boolean efiMap = image.efiKexec() && !noefi && machine.view().exists(EFI_RUNTIME_MAP);
        if (!efiMap && zeroPage.acpiRsdp() != 0) {
            zeroPage.appendCommandLine(String.format("acpi_rsdp=0x%x", zeroPage.acpiRsdp()));
        }
        zeroPage.appendCommandLine("elfcorehdr=" + elf.mem() / CrashMemory.GRANULE + "K");
        passing.pass(map, zeroPage);
        facts.put("backup", String.format("%s copied to %#x", memory.backupSource(), backup.mem()));
        facts.put("memmap", passing.id());
        facts.put("capture memory map", map.ranges().stream().map(MemoryRange::toString)
                .collect(Collectors.joining(", ")));
        return GenericSteps.copy(memory.backupSource().start(), backup.mem(), backupSize, "the backup region",
                PurgatorySteps.COPY);
    }

    // kexec-tools sizes the header buffer for a program header per crash memory range, reserved ones included,
    // though it writes them for RAM only; the capture map and the header's address depend on that size.
    private static byte[] padLikeKexecTools(byte[] header, Machine machine, CrashMemory memory, boolean text) {
        long slots = machine.crashNotes().size() + (machine.vmcoreInfo().isPresent() ? 1 : 0)
                + memory.ranges().size() + (text ? 1 : 0);
        long size = CrashMemory.align(ELF64_EHDR_SIZE + slots * ELF64_PHDR_SIZE, CrashMemory.GRANULE);
        return size > header.length ? Arrays.copyOf(header, (int) size) : header;
    }

    private static MemoryMapPassing memoryMapPassing(PlanContext context) {
        String id = context.request().options().getOrDefault("memmap", context.settings().getString("memmap"));
        List<MemoryMapPassing> known = context.contributions(MemoryMapPassing.class);
        return known.stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow(() -> new HandoffException(
                FailureKind.CONFIGURATION, String.format("handoff.platforms.x86_64.memmap: unknown value \"%s\"; "
                        + "known: %s", id, known.stream().map(MemoryMapPassing::id).sorted().toList())));
    }

    // kexec-tools' get_memory_ranges: the firmware map when the kernel exports it, else every /proc/iomem line of
    // a type it knows, at any depth and in file order (get_memory_ranges_proc_iomem); RAM below the real-mode
    // interrupt vector table's end (0x400) is left out, as kexec-tools does.
    static List<MemoryRange> machineMemory(Machine machine) {
        List<FirmwareMemmapEntry> firmware = machine.firmwareMemmap();
        List<MemoryRange> ranges = !firmware.isEmpty()
                ? firmware.stream().map(FirmwareMemmapEntry::range).sorted(
                        (a, b) -> Long.compare(a.start(), b.start())).toList()
                : iomemMemory(machine.iomem());
        return ranges.stream().filter(r -> r.type() != RangeType.RAM || r.end() >= REALMODE_IVT_END)
                .map(r -> r.type() == RangeType.RAM && r.start() < REALMODE_IVT_END
                        ? new MemoryRange(REALMODE_IVT_END, r.end(), RangeType.RAM) : r)
                .toList();
    }

    // get_memory_ranges_proc_iomem: whole-name matches ("reserved" in any case), the first MAX_MEMORY_RANGES lines
    // that match; one pass over the file's lines.
    static List<MemoryRange> iomemMemory(Iomem iomem) {
        List<MemoryRange> out = new ArrayList<>();
        for (IomemEntry e : iomem.all()) {
            if (out.size() >= MAX_MEMORY_RANGES) {
                break;
            }
            String name = e.name().equalsIgnoreCase("reserved") ? "reserved" : e.name();
            RangeType type = switch (name) {
                case "System RAM" -> RangeType.RAM;
                case "reserved" -> RangeType.RESERVED;
                case "ACPI Tables" -> RangeType.ACPI;
                case "ACPI Non-volatile Storage" -> RangeType.ACPI_NVS;
                case "Persistent Memory (legacy)" -> RangeType.PRAM;
                case "Persistent Memory" -> RangeType.PMEM;
                default -> null;
            };
            if (type != null) {
                out.add(new MemoryRange(e.start(), e.end(), type));
            }
        }
        return out;
    }

    // kexec-tools' get_acpi_rsdp fallback: "ACPI20=" or "ACPI=" in the EFI system table file.
    private static Optional<Long> efiSystabRsdp(SystemView view) {
        if (!view.exists(EFI_SYSTAB)) {
            return Optional.empty();
        }
        for (String line : view.readString(EFI_SYSTAB).split("\n")) {
            if (line.startsWith("ACPI20=0x") || line.startsWith("ACPI=0x")) {
                try {
                    return Optional.of(Long.parseUnsignedLong(line.substring(line.indexOf("=0x") + 3).trim(), 16));
                } catch (NumberFormatException e) {
                    throw new HandoffException(FailureKind.MALFORMED_PROFILE,
                            EFI_SYSTAB + ": unparsable line \"" + line + "\"", e);
                }
            }
        }
        return Optional.empty();
    }
}
