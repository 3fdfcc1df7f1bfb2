package io.handoff.platforms.ia64;

import io.handoff.api.BundledProfile;
import io.handoff.api.Capabilities;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.ImageFormat;
import io.handoff.api.LayoutConstraints;
import io.handoff.api.arch.ArchitectureSimulator;
import io.handoff.api.arch.ArchitectureSteps;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.PrstatusLayout;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.Direction;
import io.handoff.api.plan.ElfCoreRequest;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.Placement;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.spi.Platform;
import io.handoff.api.spi.ShippedPurgatory;
import io.handoff.api.support.ElfIdent;
import io.handoff.api.support.FileSlices;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.pf4j.Extension;

/**
 * The IA-64 platform: an ELF vmlinux placed as kexec-tools 2.0.25's ia64 loader places it ({@code elf_ia64_load}),
 * a boot_param handed over in r28, the EFI memory map patched so the loaded segments are LOADER_DATA, and the
 * firmware's SetVirtualAddressMap answered by a stub.
 *
 * <p>Placement, in kexec-tools' order: the kernel's PT_LOADs at fixed addresses (moved together to the crash
 * region's start for kdump, to the first 64 MiB-aligned RAM that holds them for a reboot), then top-down in the
 * highest free hole: purgatory, the ELF core header (kdump), the loaded-segments table, the 4 KiB boot_param, the
 * EFI memory-map buffer, the command line and the initrd. Every segment is aligned to the target's page size
 * ({@code page-size}, 16 KiB by default), not 4 KiB. Kdump appends {@code elfcorehdr=NK max_addr=NM min_addr=NM}.
 *
 * <p>Where kexec-tools is wrong handoff differs, and DIFFERENCES.md says so: the memory-map buffer has room for the
 * descriptors the patch adds (kexec-tools' has only its page rounding), the command-line segment always exists
 * and has room for the SetVirtualAddressMap stub after the text (kexec-tools crashes without {@code --append} for
 * kdump and writes the stub to address 0 for a reboot), and the patch never merges or reads past the map.
 *
 * @since 0.3
 */
@Extension
public final class Ia64Platform implements Platform {
    /** The platform id. */
    public static final String ID = "ia64";
    /** ELF {@code e_machine} of IA-64, also the kexec arch id (50 << 16). */
    public static final int EM_IA_64 = 50;
    /** The resource the plugin's purgatory image is built into. */
    public static final String PURGATORY_RESOURCE = "/purgatory/ia64.bin";
    /** The profile shipped with the plugin. */
    public static final List<BundledProfile> PROFILES = List.of(new BundledProfile("ia64-rx2660-8g",
            "synthetic HP rx2660-class IA-64, 8 GiB in 3 ranges with uncached RAM, 4 CPUs, crashkernel=256M@256M, "
                    + "a synthetic vmlinux in boot/ (not Linux)"));
    /** The kernel runs at any base aligned to its 64 MiB pinned granule (head.S). */
    static final long KERNEL_ALIGN = 1L << 26;
    /** kexec-tools' ELF_PAGE_SIZE: loaded-segments entries are rounded to 64 KiB. */
    static final long LOADED_SEGMENT_ALIGN = 1L << 16;
    /** The size of boot_param's buffer, as kexec-tools allocates it. */
    static final int BOOT_PARAM_SIZE = 4096;
    /** Linux ia64's COMMAND_LINE_SIZE. */
    static final int COMMAND_LINE_SIZE = 2048;
    /** The SetVirtualAddressMap stub's size: one bundle. */
    static final int SVAM_STUB_SIZE = 16;
    /** The largest EFI descriptor stride the map buffer's extra room is sized for. */
    static final int MAX_DESCRIPTOR_SIZE = 128;
    /** ia64's NT_PRSTATUS: 1144-byte descriptor, pr_pid at 0x20, pr_reg[42] (ip) at 0x70 + 42 * 8 = 0x1C0. */
    static final PrstatusLayout PRSTATUS = new PrstatusLayout(1144, 0x20, 0x1C0);
    private static final long ULONG_MAX = -1L;

    private final Supplier<Optional<byte[]>> purgatory;

    /** Create the platform with the purgatory image the plugin ships, if the build produced one. */
    public Ia64Platform() {
        this(() -> ShippedPurgatory.read(Ia64Platform.class, PURGATORY_RESOURCE));
    }

    /** Create the platform with another purgatory image source (tests). */
    Ia64Platform(Supplier<Optional<byte[]>> purgatory) {
        this.purgatory = purgatory;
    }

    @Override
    public String id() {
        return ID;
    }

    /** Detect an IA-64 machine: /proc/kcore says EM_IA_64, or without a kcore /proc/iomem has the {@code Boot parameter} or {@code EFI Memory Map} lines only ia64 prints. */
    @Override
    public boolean detect(SystemView view) {
        Optional<ElfIdent> kcore = ElfIdent.read(view, "/proc/kcore");
        if (kcore.isPresent()) {
            // the kernel says what it runs on: no need to read /proc/iomem on another machine's profile
            return kcore.get().is(ByteOrder.LITTLE_ENDIAN, EM_IA_64);
        }
        if (!view.exists("/proc/iomem")) {
            return false;
        }
        String iomem = view.readString("/proc/iomem");
        return iomem.contains(" : Boot parameter\n") || iomem.contains(" : EFI Memory Map\n");
    }

    @Override
    public List<ImageFormat> imageFormats() {
        return List.of(new ImageFormat("elf-ia64", "ELF vmlinux (EM_IA_64, ET_EXEC/ET_DYN), moved to a 64 MiB "
                + "aligned base"));
    }

    @Override
    public int elfMachine() {
        return EM_IA_64;
    }

    /** Recognise a little-endian EM_IA_64 ELF file, saying when it is handoff's synthetic vmlinux. */
    @Override
    public Optional<String> describeImage(byte[] head) {
        if (ElfIdent.of(head).filter(id -> id.is(ByteOrder.LITTLE_ENDIAN, EM_IA_64)).isEmpty()) {
            return Optional.empty();
        }
        boolean synthetic = new String(head, StandardCharsets.ISO_8859_1).contains(Vmlinux.SYNTHETIC_MARKER);
        return Optional.of(synthetic ? "handoff's synthetic IA-64 vmlinux (not Linux)" : "an IA-64 ELF vmlinux");
    }

    @Override
    public ByteOrder byteOrder() {
        return ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public Set<String> hostArchitectures() {
        return Set.of("ia64");
    }

    /** Return the rx2660-class profile the plugin ships (with a synthetic vmlinux in its boot/). */
    @Override
    public List<BundledProfile> bundledProfiles() {
        return PROFILES;
    }

    @Override
    public Optional<PrstatusLayout> prstatusLayout() {
        return Optional.of(PRSTATUS);
    }

    /** Return 16 KiB pages (the segments' minimum alignment; 64 KiB by configuration), 16 segments. */
    @Override
    public LayoutConstraints layout() {
        return new LayoutConstraints(16384, 16, Long.MAX_VALUE);
    }

    /** Return {@code port-io}: ia64 reaches legacy I/O ports through its port space ({@code ar.k0}). */
    @Override
    public Set<String> capabilities() {
        return Set.of(Capabilities.PORT_IO);
    }

    @Override
    public Optional<byte[]> purgatoryImage() {
        return purgatory.get();
    }

    @Override
    public ArchitectureSteps architectureSteps() {
        return Ia64Steps.ALL;
    }

    @Override
    public Optional<ArchitectureSimulator> simulator() {
        return Optional.of(new Ia64Simulator());
    }

    @Override
    public String description() {
        return "ia64 (ELF vmlinux; boot_param in r28, EFI memory map patch, SetVirtualAddressMap hook; kdump with "
                + "max_addr=/min_addr=)";
    }

    /** Tell whether purgatory may use port I/O: {@code noio} (kexec-tools' {@code --noio}) is off. */
    static boolean portIo(PlanContext context) {
        String noio = context.request().options().getOrDefault("noio",
                Boolean.toString(context.settings().getBoolean("noio")));
        return switch (noio) {
            case "true", "yes", "on" -> false;
            case "false", "no", "off" -> true;
            default -> throw new HandoffException(FailureKind.CONFIGURATION, "-O noio=" + noio
                    + ": want true or false");
        };
    }

    static long pageSize(PlanContext context) {
        String value = context.request().options().getOrDefault("page-size",
                Integer.toString(context.settings().getInt("page-size")));
        return switch (value) {
            case "4096", "8192", "16384", "65536" -> Long.parseLong(value);
            default -> throw new HandoffException(FailureKind.CONFIGURATION, "handoff.platforms.ia64.page-size = "
                    + value + ": an ia64 kernel's page size is 4096, 8192, 16384 or 65536");
        };
    }

    @Override
    public PlatformPlan plan(PlanContext context) {
        PlanRequest request = context.request();
        Machine machine = context.machine();
        long page = pageSize(context);
        boolean crash = request.crash();
        KexecMemory memory = KexecMemory.of(machine.iomem(), crash);
        if (memory.efiMemmapSize() == 0) {
            throw new HandoffException(FailureKind.MALFORMED_PROFILE, "/proc/iomem: no \"EFI Memory Map\" line; "
                    + "every IA-64 Linux lists the EFI memory map it booted with (is this an ia64 machine?)");
        }
        Map<String, String> facts = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        Placer placer = new Placer(context, memory, page);

        // the kernel: moved as a whole to a 64 MiB-aligned base
        Vmlinux image = Vmlinux.read(request.kernel());
        image.marker().ifPresent(m -> warnings.add(request.kernel() + " is handoff's synthetic IA-64 vmlinux, not "
                + "Linux: it is for simulations and tests"));
        Optional<MemoryRange> crashRegion = crash ? context.crashRegion() : Optional.empty();
        Vmlinux moved;
        if (crash) {
            long base = memory.memMin();
            if (base % KERNEL_ALIGN != 0) {
                throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format("/proc/iomem: the Crash kernel "
                        + "region starts at %#x, not 64 MiB aligned: an IA-64 kernel runs only at a 64 MiB-aligned "
                        + "base (boot with crashkernel=SIZE, which the kernel aligns, or SIZE@BASE with BASE aligned)",
                        base));
            }
            moved = image.movedTo(base);
        } else {
            moved = kexecBase(image, memory).map(image::movedTo).orElseThrow(() -> new HandoffException(
                    FailureKind.DOES_NOT_FIT, String.format("%s: no RAM range holds the kernel's %#x bytes at a 64 MiB"
                            + "-aligned base", request.kernel(), image.highest() - image.lowest())));
        }
        for (Vmlinux.ProgramHeader h : moved.loads()) {
            if (h.memsz() == 0) {
                continue;
            }
            if (h.paddr() % page != 0) {
                throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, String.format("%s: PT_LOAD at %#x is not "
                        + "aligned to the %d-byte page size", request.kernel(), h.paddr(), page));
            }
            long memsz = KexecMemory.alignUp(h.memsz(), page);
            placer.fixed("kernel", h.filesz() > h.memsz() ? FileSlices.slice(request.kernel(), h.offset(), h.memsz())
                    : moved.data(h), h.paddr(), memsz);
        }
        facts.put("kernel", String.format("%d PT_LOADs at %#x-%#x, entry %#x%s", moved.loads().size(),
                moved.lowest(), moved.highest(), moved.entry(),
                moved.entry() == image.entry() ? "" : String.format(" (moved by %#x)", moved.entry() - image.entry())));

        // purgatory, top-down anywhere
        Optional<byte[]> purgatoryBytes = purgatoryImage();
        if (purgatoryBytes.isPresent()) {
            long size = KexecMemory.alignUp(imageSize(purgatoryBytes.get()), page);
            long at = placer.locate("purgatory", size, page, 0, ULONG_MAX);
            context.placePurgatory(new Placement(page, at, at + size - 1, Direction.TOP_DOWN));
            placer.record(at, size);
        } else {
            warnings.add("this build of the ia64 plugin has no purgatory image (" + PURGATORY_RESOURCE + "): the plan "
                    + "has no purgatory segment and cannot be loaded");
        }

        StringBuilder commandLine = new StringBuilder(request.commandLine());
        List<long[]> loaded = new ArrayList<>();
        if (crash) {
            MemoryRange region = crashRegion.orElseThrow();
            Ia64CrashMemory crashMemory = Ia64CrashMemory.of(machine.iomem(), region);
            byte[] header = context.elfCoreHeader(new ElfCoreRequest(EM_IA_64, ByteOrder.LITTLE_ENDIAN,
                    machine.crashNotes(), machine.vmcoreInfo(), Optional.of(crashMemory.kernelText()),
                    crashMemory.ram(), Ia64CrashMemory.PAGE_OFFSET, Optional.empty(), 4096));
            header = padLikeKexecTools(header, machine, crashMemory);
            Segment elf = placer.place("elfcorehdr", new SegmentData.Bytes(header), header.length, 4096);
            loaded.add(new long[] {elf.mem(), elf.mem() + header.length});
            word(commandLine, String.format("elfcorehdr=%dK", elf.mem() / 1024));
            facts.put("elfcorehdr", String.format("%#x, %d bytes, %d RAM ranges (uncached skipped), kernel text %#x "
                    + "at virtual %#x", elf.mem(), header.length, crashMemory.ram().size(),
                    crashMemory.kernelText().paddr(), crashMemory.kernelText().vaddr()));
        }
        loaded.addAll(loadedSegments(moved));
        loaded.sort(Comparator.comparingLong(a -> a[0]));
        byte[] table = table(loaded);
        Segment segmentsTable = placer.place("loaded-segments", new SegmentData.Bytes(table), table.length, 16);

        Segment bootParam = placer.place("boot-param", new SegmentData.Bytes(new byte[BOOT_PARAM_SIZE]),
                BOOT_PARAM_SIZE, 4096);
        // kexec-tools' buffer is the map's size + 1; each loaded segment can split a descriptor into three
        long capacity = memory.efiMemmapSize() + 2L * loaded.size() * MAX_DESCRIPTOR_SIZE;
        Segment efiMemmap = placer.place("efi-memmap", new SegmentData.Bytes(new byte[Math.toIntExact(capacity)]),
                capacity, 4096);

        if (crash) {
            word(commandLine, String.format("max_addr=%dM min_addr=%dM", memory.memMax() >>> 20,
                    memory.memMin() >>> 20));
        }
        byte[] text = commandLine.toString().getBytes(StandardCharsets.US_ASCII);
        if (text.length >= COMMAND_LINE_SIZE) {
            throw new HandoffException(FailureKind.COMMAND_LINE_TOO_LONG, String.format("the command line is %d "
                    + "bytes; an IA-64 kernel takes at most %d (COMMAND_LINE_SIZE - 1)", text.length,
                    COMMAND_LINE_SIZE - 1));
        }
        long textLength = KexecMemory.alignUp(text.length + 1, 16);
        byte[] cmdline = java.util.Arrays.copyOf(text, Math.toIntExact(textLength));
        // the stub goes right after the text, as kexec-tools puts it; the segment always has room for it
        Segment cmdlineSegment = placer.place("cmdline", new SegmentData.Bytes(cmdline), textLength + SVAM_STUB_SIZE,
                page);
        long stub = cmdlineSegment.mem() + textLength;

        long initrdBase = 0;
        long initrdSize = 0;
        if (request.initrd().isPresent()) {
            Path initrd = request.initrd().get();
            SegmentData.FileSlice slice = FileSlices.whole(initrd);
            initrdSize = slice.length();
            initrdBase = placer.place("initrd", slice, initrdSize, page).mem();
            facts.put("initrd", String.format("%#x bytes at %#x", initrdSize, initrdBase));
        }

        facts.put("page size", Long.toString(page));
        facts.put("boot_param", String.format("%#x (r28), copied from the running kernel's", bootParam.mem()));
        facts.put("efi memmap", String.format("%#x, %d bytes (the running map is %d)", efiMemmap.mem(), capacity,
                memory.efiMemmapSize() - 1));
        facts.put("loaded segments", loaded.stream().map(a -> String.format("%#x-%#x", a[0], a[1]))
                .reduce((a, b) -> a + ", " + b).orElse(""));
        facts.put("port io", portIo(context) ? "on" : "off (noio)");
        crashRegion.ifPresent(r -> facts.put("crash region", String.format("%#x-%#x: max_addr=%dM min_addr=%dM",
                r.start(), r.end(), memory.memMax() >>> 20, memory.memMin() >>> 20)));

        List<PurgatoryStep> setup = List.of(
                Ia64Steps.bootParam(bootParam.mem(), cmdlineSegment.mem(), initrdBase, initrdSize),
                Ia64Steps.efiMemmap(bootParam.mem(), efiMemmap.mem(), capacity, segmentsTable.mem(), loaded.size()),
                Ia64Steps.svamHook(bootParam.mem(), stub));
        Map<String, Long> registers = new LinkedHashMap<>();
        registers.put("r28", bootParam.mem());
        registers.put("ip", moved.entry());
        return new PlatformPlan(moved.entry(), registers, commandLine.toString(), facts, warnings, setup,
                Optional.of(Ia64Steps.jump(moved.entry(), bootParam.mem())));
    }

    // kexec-tools appends " word"; without a command line of the user's that would start the line with a space
    private static void word(StringBuilder line, String word) {
        line.append(line.length() == 0 ? "" : " ").append(word);
    }

    // update_loaded_segments: keep the kernel where it is linked when one RAM range starting at or below it holds
    // it, else move it to the first RAM range with room after aligning its start to 64 MiB
    static Optional<Long> kexecBase(Vmlinux image, KexecMemory memory) {
        long start = image.lowest();
        long end = image.highest();
        for (KexecMemory.Range r : memory.ranges()) {
            if (Long.compareUnsigned(r.start(), start) > 0) {
                break;
            }
            if (r.kind() == KexecMemory.Kind.RAM && Long.compareUnsigned(r.end(), end) > 0) {
                return Optional.of(image.loads().get(0).paddr());
            }
        }
        for (KexecMemory.Range r : memory.ram()) {
            long aligned = KexecMemory.alignUp(r.start(), KERNEL_ALIGN);
            if (Long.compareUnsigned(r.end(), aligned) > 0 && Long.compareUnsigned(r.end() - aligned, end - start) > 0) {
                // move_loaded_segments puts the first PT_LOAD (file order) there
                return Optional.of(aligned);
            }
        }
        return Optional.empty();
    }

    // add_loaded_segments_info: each run of consecutive PT_LOAD headers (file order) is one entry, 64 KiB rounded
    static List<long[]> loadedSegments(Vmlinux image) {
        List<long[]> out = new ArrayList<>();
        List<Vmlinux.ProgramHeader> headers = image.programHeaders();
        int i = 0;
        while (i < headers.size()) {
            if (!headers.get(i).load()) {
                i++;
                continue;
            }
            long start = headers.get(i).paddr() & -LOADED_SEGMENT_ALIGN;
            long end = start;
            while (i < headers.size() && headers.get(i).load()) {
                Vmlinux.ProgramHeader h = headers.get(i);
                end = KexecMemory.alignUp(h.paddr() + h.memsz(), LOADED_SEGMENT_ALIGN);
                i++;
            }
            out.add(new long[] {start, end});
        }
        return out;
    }

    static byte[] table(List<long[]> loaded) {
        ByteBuffer b = ByteBuffer.allocate(16 * loaded.size()).order(ByteOrder.LITTLE_ENDIAN);
        loaded.forEach(a -> b.putLong(a[0]).putLong(a[1]));
        return b.array();
    }

    // kexec-tools sizes the header for every CPU it counts, the vmcoreinfo note, every crash memory range (uncached
    // ones too, though it writes RAM only) and the kernel text, then rounds to 4 KiB
    private static byte[] padLikeKexecTools(byte[] header, Machine machine, Ia64CrashMemory memory) {
        long slots = machine.crashNotes().size() + (machine.vmcoreInfo().isPresent() ? 1 : 0)
                + memory.ranges().size() + 1;
        long size = KexecMemory.alignUp(64 + slots * 56, 4096);
        return size > header.length ? java.util.Arrays.copyOf(header, (int) size) : header;
    }

    private static long imageSize(byte[] blob) {
        return ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).getInt(0x18) & 0xFFFFFFFFL;
    }

    /** kexec-tools' placement over the plan: its own hole search, recorded in the plan at the addresses it finds. */
    private static final class Placer {
        private final PlanContext context;
        private final KexecMemory memory;
        private final long page;
        private final List<KexecMemory.Placed> placed = new ArrayList<>();

        Placer(PlanContext context, KexecMemory memory, long page) {
            this.context = context;
            this.memory = memory;
            this.page = page;
        }

        void fixed(String role, SegmentData data, long mem, long memsz) {
            context.placeAt(role, data, mem, memsz);
            record(mem, memsz);
        }

        void record(long mem, long memsz) {
            placed.add(new KexecMemory.Placed(mem, memsz));
        }

        long locate(String role, long size, long align, long min, long max) {
            OptionalLong at = memory.locate(placed, size, Math.max(align, page), min, max, true);
            if (at.isEmpty()) {
                throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format("%s: no free hole of %#x bytes "
                        + "(align %#x) in %s", role, size, Math.max(align, page), memory.memMax() == -1
                        ? "RAM" : String.format("the crash region %#x-%#x", memory.memMin(), memory.memMax() - 1)));
            }
            return at.getAsLong();
        }

        // add_buffer(buf, bufsz, memsz, align, 0, ULONG_MAX, -1): memsz rounded to the page size, top-down
        Segment place(String role, SegmentData data, long memsz, long align) {
            long size = KexecMemory.alignUp(Math.max(memsz, data.length()), page);
            long at = locate(role, size, align, 0, ULONG_MAX);
            Segment s = context.placeAt(role, data, at, size);
            record(at, size);
            return s;
        }
    }
}
