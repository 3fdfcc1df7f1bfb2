package io.handoff.firmware.efi;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.EfiFirmware;
import io.handoff.api.machine.EfiMemoryDescriptor;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.plan.AssistPlan;
import io.handoff.api.plan.EfiRuntimeCall;
import io.handoff.api.plan.EfiRuntimeService;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.PurgatoryStep.FailurePolicy;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.api.spi.Contribution;
import io.handoff.api.spi.CrashAssist;
import io.handoff.api.spi.EfiRuntimeCalls;
import io.handoff.api.spi.Platform;
import io.handoff.api.support.GenericSteps;
import io.handoff.api.support.SerialConsole;
import io.handoff.api.support.TransferRate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * EFI-assisted kdump ({@code --assist efi-warm-reboot}): at the crash purgatory writes the crash marker, sets
 * {@code BootNext} to the resume application's {@code Boot####} entry and resets the machine warm through the
 * firmware, which resets the devices; the application checks the marker and the ELF core header in the retained
 * memory and boots the capture kernel from the EFI system partition with memory limited to the crash region.
 *
 * <p>When a runtime call fails or returns, purgatory goes on into the capture kernel already loaded (classic kdump);
 * when a required step fails (a digest mismatch), the fallback tries the firmware path again and then resets warm
 * through port 0xCF9. The architecture's page tables and calling convention come from its
 * {@link EfiRuntimeCalls}; this class decides which calls, with what.
 */
@Extension
public final class EfiWarmRebootAssist implements CrashAssist {
    /** The assist's id ({@code --assist}). */
    public static final String ID = "efi-warm-reboot";
    /** The description of the resume application's Boot#### entry. */
    static final String BOOT_DESCRIPTION = "handoff crash resume";
    /** Where handoff's files go on the EFI system partition. */
    static final String ESP_DIR = "\\EFI\\handoff";
    /** The resume application's file name there. */
    static final String APP = "handoff-resume.efi";
    /** The first Boot#### number tried for the resume application ("HF"). */
    static final int FIRST_BOOT_NUMBER = 0x4846;
    /** ResetSystem's EfiResetWarm. */
    static final long RESET_WARM = 1;
    /** The generic reset step's port 0xCF9 method (FORMAT.md §3). */
    static final long RESET_CF9 = 2;
    /** The segment holding purgatory's page tables for the calls. */
    static final String PAGE_TABLES = "efi-page-tables";
    /** The artifact holding the record. */
    static final String RECORD = "record";
    /** The artifact holding the page tables' address (u64, little-endian). */
    static final String TABLES_AT = "page-tables-at";
    /** Artifact: per copied note, u64 source, destination, size and its program header's address. */
    static final String NOTES = "note-copies";
    private static final long GIB = 1L << 30;
    private static final TransferRate WRITE_RATE = new TransferRate(1L << 20);
    private static final SerialConsole CONSOLE = new SerialConsole(0x3f8, 1, 115200);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String summary() {
        return "at the crash, set BootNext and reset warm through the firmware; the resume EFI application boots the "
                + "capture kernel from the EFI system partition with the old memory intact (classic kdump if that fails)";
    }

    @Override
    public Optional<String> unavailable(Platform platform, List<Contribution> offered, Optional<Machine> machine) {
        if (calls(offered).isEmpty()) {
            return Optional.of("platform " + platform.id() + " cannot call EFI runtime services from purgatory "
                    + "(it offers no EfiRuntimeCalls)");
        }
        if (machine.isEmpty()) {
            return Optional.empty();
        }
        Optional<EfiFirmware> efi = machine.get().efiFirmware();
        if (efi.isEmpty()) {
            return Optional.of("the machine did not boot through UEFI (no /sys/firmware/efi)");
        }
        EfiFirmware f = efi.get();
        if (f.platformSize() != 0 && f.platformSize() != 64) {
            return Optional.of("the firmware is " + f.platformSize() + "-bit UEFI; purgatory calls 64-bit firmware only");
        }
        if (!f.runtimeMapPresent() || f.runtimeMap().isEmpty()) {
            return Optional.of("the running kernel exports no EFI runtime map (/sys/firmware/efi/runtime-map): "
                    + "booted with noefi or efi=noruntime, or built without CONFIG_EFI_RUNTIME_MAP");
        }
        if (f.runtime() == 0) {
            return Optional.of("the EFI runtime services table's address is unknown (/sys/firmware/efi/runtime)");
        }
        return Optional.empty();
    }

    /** {@code esp}: the EFI system partition's mount point (default /boot/efi, else /efi). */
    @Override
    public java.util.Set<String> armOptions() {
        return java.util.Set.of(EfiArming.ESP_OPTION);
    }

    @Override
    public Map<String, String> platformOptions(List<Contribution> offered) {
        return calls(offered).map(EfiRuntimeCalls::firmwareBootOptions).orElse(Map.of());
    }

    @Override
    public AssistPlan place(PlanContext context) {
        EfiRuntimeCalls calls = calls(context.contributions(Contribution.class)).orElseThrow(() -> new HandoffException(
                FailureKind.PLATFORM, "--assist " + ID + ": the platform offers no EfiRuntimeCalls"));
        EfiFirmware efi = context.machine().efiFirmware().orElseThrow(() -> new HandoffException(
                FailureKind.NOT_AVAILABLE, "--assist " + ID + ": the machine did not boot through UEFI"));
        MemoryRange crash = context.crashRegion().orElseThrow(() -> new HandoffException(FailureKind.NO_CRASH_REGION,
                "--assist " + ID + ": no crash region"));
        Segment header = context.segments().stream().filter(s -> s.role().equals("elfcorehdr")).findFirst()
                .orElseThrow(() -> new HandoffException(FailureKind.PLATFORM, "--assist " + ID
                        + ": the platform placed no elfcorehdr segment"));
        byte[] headerBytes = bytes(header);
        long marker = header.mem() + ((headerBytes.length + 7) & ~7L);
        if (marker + HandoffRecord.NONCE_SIZE > header.mem() + header.memsz()) {
            throw new HandoffException(FailureKind.DOES_NOT_FIT, String.format("--assist %s: the ELF core header fills "
                    + "its segment (%d of %d bytes); no room for the 16-byte crash marker after it", ID,
                    headerBytes.length, header.memsz()));
        }
        // the notes (each CPU's crash_notes, vmcoreinfo) live in the first kernel's memory, which the firmware may
        // reuse during the warm reboot (OVMF does): purgatory copies them after the marker, in the header's own
        // segment (never the capture kernel's RAM), and points the PT_NOTE entries at the copies; the record's
        // digest is that of the header so patched
        List<ElfLoads.Note> notes = ElfLoads.notes(headerBytes);
        long copyAt = marker + HandoffRecord.NONCE_SIZE;
        long notesSize = notes.stream().mapToLong(n -> (n.size() + 7) & ~7L).sum();
        boolean copyNotes = !notes.isEmpty() && copyAt + notesSize <= header.mem() + header.memsz();
        ByteBuffer noteCopies = ByteBuffer.allocate(32 * notes.size()).order(ByteOrder.LITTLE_ENDIAN);
        byte[] patched = headerBytes.clone();
        if (copyNotes) {
            ByteBuffer p = ByteBuffer.wrap(patched).order(ByteOrder.LITTLE_ENDIAN);
            long dst = copyAt;
            for (ElfLoads.Note n : notes) {
                p.putLong(n.phdr() + 8, dst);
                p.putLong(n.phdr() + 24, dst);
                noteCopies.putLong(n.offset()).putLong(dst).putLong(n.size()).putLong(header.mem() + n.phdr());
                dst += (n.size() + 7) & ~7L;
            }
        }
        PlatformPlan platformPlan = context.platformPlan().orElseThrow();
        String cmdline = platformPlan.commandLine().strip();
        if (!cmdline.contains("elfcorehdr=") || !cmdline.contains("memmap=exactmap")) {
            throw new HandoffException(FailureKind.PLATFORM, "--assist " + ID + ": the capture command line must carry"
                    + " elfcorehdr= and memmap=exactmap (the firmware builds the capture kernel's memory map); it is: "
                    + cmdline);
        }
        byte[] nonce = new byte[HandoffRecord.NONCE_SIZE];
        new SecureRandom().nextBytes(nonce);
        String dir = ESP_DIR + "\\" + java.util.HexFormat.of().formatHex(nonce, 0, 4);
        Optional<String> initrd = context.request().initrd().map(p -> dir + "\\initrd.img");
        int boot = bootNumber(context.machine());
        HandoffRecord record = new HandoffRecord(crash, header.mem(), headerBytes.length, sha256(patched), marker,
                nonce, boot, cmdline, dir + "\\vmlinuz", initrd, ElfLoads.ranges(headerBytes));

        // the tables map [0, limit) one to one: purgatory, its stack and arguments, the runtime table
        long top = Math.max(crash.end() + 1, efi.runtime() + 4096);
        for (Segment s : context.segments()) {
            top = Math.max(top, s.mem() + s.memsz());
        }
        long limit = Math.max(4 * GIB, (top + GIB - 1) / GIB * GIB);
        List<EfiMemoryDescriptor> map = efi.runtimeMap();
        long size = calls.pageTablesSize(map, limit);
        long base = topDownHole(context, size);
        byte[] tables = calls.pageTables(map, limit, base);
        context.placeAt(PAGE_TABLES, new SegmentData.Bytes(tables), base, size);

        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("assist", ID + ": BootNext=Boot" + hex4(boot) + ", then ResetSystem(EfiResetWarm); fallback: "
                + "classic kdump, then a warm reset through port 0xCF9");
        facts.put("crash marker", String.format("%#x (16 bytes after the ELF core header): %s", marker,
                record.nonceHex()));
        facts.put("crash notes", copyNotes ? String.format("%d PT_NOTE entries (%d bytes) copied by purgatory to %#x, "
                + "in the ELF core header's segment, before the firmware can reuse their memory", notes.size(),
                notesSize, copyAt) : notes.isEmpty() ? "none in the ELF core header" : String.format("%d PT_NOTE "
                + "entries (%d bytes) do not fit after the marker (%d bytes left in the header's segment): they stay "
                + "in the first kernel's memory, where the firmware may overwrite them", notes.size(), notesSize,
                header.mem() + header.memsz() - copyAt));
        facts.put("EFI page tables", String.format("%#x, %d bytes: [0, %#x) one to one and %d runtime regions",
                base, size, limit, map.size()));
        facts.put("EFI runtime services", String.format("table at %#x", efi.runtime()));
        facts.put("handoff record", String.format("HandoffRecord-%s, %d bytes: kernel %s%s, %d dumped ranges",
                EfiVariables.HANDOFF, record.encode().length, record.kernelPath(),
                initrd.map(i -> ", initrd " + i).orElse(""), record.dumped().size()));
        facts.put("record: crash region", String.format("%#x-%#x (the capture kernel's only RAM)", crash.start(),
                crash.end()));
        facts.put("record: ELF core header", String.format("%#x, %d bytes, sha256 %s", header.mem(),
                headerBytes.length, java.util.HexFormat.of().formatHex(record.elfCoreHeaderSha256())));
        facts.put("record: command line", cmdline);
        return new AssistPlan(ID, facts, Map.of(RECORD, record.encode(), NOTES,
                copyNotes ? noteCopies.array() : new byte[0], TABLES_AT,
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(base).array()));
    }

    @Override
    public List<PurgatoryStep> steps(PlanContext context, AssistPlan plan) {
        HandoffRecord record = HandoffRecord.decode(plan.artifact(RECORD), "the planned handoff record");
        List<PurgatoryStep> steps = new ArrayList<>();
        steps.add(CONSOLE.print(String.format("handoff: EFI-assisted dump: BootNext=Boot%s, then a warm reset "
                + "through the firmware", hex4(record.bootNumber()))));
        steps.addAll(firmwarePath(context, plan, record, FailurePolicy.BEST_EFFORT));
        steps.add(CONSOLE.print("handoff: the firmware path did not reset the machine; classic kdump"));
        return steps;
    }

    @Override
    public List<PurgatoryStep> fallback(PlanContext context, AssistPlan plan) {
        HandoffRecord record = HandoffRecord.decode(plan.artifact(RECORD), "the planned handoff record");
        List<PurgatoryStep> steps = new ArrayList<>();
        steps.add(CONSOLE.print("handoff: the capture kernel in memory is unusable; EFI-assisted dump from the disk"));
        steps.addAll(firmwarePath(context, plan, record, FailurePolicy.BEST_EFFORT));
        steps.add(GenericSteps.reset(RESET_CF9, "warm reset through port 0xCF9 (the firmware path failed)"));
        return steps;
    }

    // marker, then SetVariable(BootNext) only if it was written, then ResetSystem only if BootNext was set
    private List<PurgatoryStep> firmwarePath(PlanContext context, AssistPlan plan, HandoffRecord record,
                                             FailurePolicy first) {
        EfiRuntimeCalls calls = calls(context.contributions(Contribution.class)).orElseThrow();
        EfiFirmware efi = context.machine().efiFirmware().orElseThrow();
        long tables = ByteBuffer.wrap(plan.artifact(TABLES_AT)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ByteOrder order = context.byteOrder().orElse(ByteOrder.LITTLE_ENDIAN);
        PurgatoryStep marker = GenericSteps.write(record.marker(), record.nonce(), order, "the crash marker",
                WRITE_RATE);
        List<PurgatoryStep> steps = new ArrayList<>();
        ByteBuffer copies = ByteBuffer.wrap(plan.artifact(NOTES)).order(ByteOrder.LITTLE_ENDIAN);
        while (copies.remaining() >= 32) {
            long src = copies.getLong();
            long dst = copies.getLong();
            long size = copies.getLong();
            long phdr = copies.getLong();
            PurgatoryStep copy = GenericSteps.copy(src, dst, size, "crash notes", WRITE_RATE);
            steps.add(new PurgatoryStep(copy.kind(), FailurePolicy.BEST_EFFORT, copy.worstCase(), copy.operands(),
                    copy.description()));
            // the PT_NOTE entry's p_offset, then its p_paddr, each only when the step before succeeded
            byte[] address = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(dst).array();
            for (int field : new int[] {8, 24}) {
                PurgatoryStep point = GenericSteps.write(phdr + field, address, order, "PT_NOTE -> the copy",
                        WRITE_RATE);
                steps.add(new PurgatoryStep(point.kind(), FailurePolicy.AFTER_SUCCESS, point.worstCase(),
                        point.operands(), point.description()));
            }
        }
        steps.add(new PurgatoryStep(marker.kind(), first, marker.worstCase(), marker.operands(),
                marker.description()));
        byte[] bootNext = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) record.bootNumber())
                .array();
        steps.add(calls.call(new EfiRuntimeCall(tables, efi.runtime(), EfiRuntimeService.SET_VARIABLE, List.of(
                new EfiRuntimeCall.Bytes(LoadOption.ucs2("BootNext")),
                new EfiRuntimeCall.Bytes(EspPartition.guidBytes(EfiVariables.GLOBAL)),
                new EfiRuntimeCall.Value(EfiVariables.NV_BS_RT), new EfiRuntimeCall.Value(2),
                new EfiRuntimeCall.Bytes(bootNext)), true, FailurePolicy.AFTER_SUCCESS,
                "SetVariable(BootNext = Boot" + hex4(record.bootNumber()) + ", NV|BS|RT)")));
        steps.add(calls.call(new EfiRuntimeCall(tables, efi.runtime(), EfiRuntimeService.RESET_SYSTEM, List.of(
                new EfiRuntimeCall.Value(RESET_WARM), new EfiRuntimeCall.Value(0), new EfiRuntimeCall.Value(0),
                new EfiRuntimeCall.Value(0)), false, FailurePolicy.AFTER_SUCCESS,
                "ResetSystem(EfiResetWarm): the firmware resets the devices and boots Boot"
                        + hex4(record.bootNumber()))));
        return steps;
    }

    @Override
    public Arming arm(AssistPlan plan, ArmTarget target) {
        return EfiArming.stage(HandoffRecord.decode(plan.artifact(RECORD), "the planned handoff record"), target,
                resumeApplication());
    }

    @Override
    public List<String> disarm(ArmTarget target) {
        return EfiArming.disarm(target);
    }

    @Override
    public List<String> status(ArmTarget target) {
        return EfiArming.status(target);
    }

    /** Return the resume application built with this plugin. */
    static byte[] resumeApplication() {
        try (var in = EfiWarmRebootAssist.class.getResourceAsStream("/efi/" + APP)) {
            if (in == null) {
                throw new HandoffException(FailureKind.NOT_AVAILABLE, "plugins-efi: this build has no resume application"
                        + " (efi/" + APP + "; gnu-efi was missing when the plugin was built)");
            }
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new HandoffException(FailureKind.INTERNAL, "plugins-efi: cannot read efi/" + APP + ": "
                    + e.getMessage());
        }
    }

    // ours when one exists (same description), else the first free number from "HF"
    static int bootNumber(Machine machine) {
        String dir = "/sys/firmware/efi/efivars";
        if (!machine.view().exists(dir)) {
            return FIRST_BOOT_NUMBER;
        }
        List<String> names = machine.view().list(dir);
        for (String n : names) {
            if (n.matches("Boot[0-9A-F]{4}-" + EfiVariables.GLOBAL)) {
                byte[] data = machine.view().readBytes(dir + "/" + n, 4096);
                if (data.length > 4 && LoadOption.description(java.util.Arrays.copyOfRange(data, 4, data.length))
                        .filter(BOOT_DESCRIPTION::equals).isPresent()) {
                    return Integer.parseInt(n.substring(4, 8), 16);
                }
            }
        }
        int n = FIRST_BOOT_NUMBER;
        while (names.contains("Boot" + hex4(n) + "-" + EfiVariables.GLOBAL)) {
            n++;
        }
        return n;
    }

    static String hex4(int n) {
        return String.format("%04X", n);
    }

    private static long topDownHole(PlanContext context, long size) {
        MemoryRange hole = context.freeHoles().stream()
                .filter(h -> (h.end() + 1 - (h.start() + 4095) / 4096 * 4096) >= size)
                .reduce((a, b) -> b).orElseThrow(() -> new HandoffException(FailureKind.DOES_NOT_FIT, String.format(
                        "--assist %s: no free %d bytes left for the EFI page tables", ID, size)));
        return (hole.end() + 1 - size) / 4096 * 4096;
    }

    private static Optional<EfiRuntimeCalls> calls(List<? extends Contribution> offered) {
        return offered.stream().filter(EfiRuntimeCalls.class::isInstance).map(EfiRuntimeCalls.class::cast).findFirst();
    }

    private static byte[] bytes(Segment s) {
        if (s.data() instanceof SegmentData.Bytes b) {
            return b.data();
        }
        throw new HandoffException(FailureKind.PLATFORM, "--assist " + ID + ": the elfcorehdr segment is not in memory");
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
