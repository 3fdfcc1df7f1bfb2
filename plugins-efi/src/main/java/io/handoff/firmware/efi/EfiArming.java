package io.handoff.firmware.efi;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.spi.CrashAssist.ArmTarget;
import io.handoff.api.spi.CrashAssist.Arming;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code load --crash --assist efi-warm-reboot} installs outside memory, staged so that a failed load leaves the
 * previous arming as it was: the resume application and the capture kernel (and initrd) on the EFI system partition,
 * the application's {@code Boot####} entry (not in BootOrder), and, at commit, the {@code HandoffRecord} variable that
 * makes the new files the current ones. Also clears a set MOR request, which would have the firmware wipe memory.
 */
final class EfiArming implements Arming {
    /** The option naming the EFI system partition's mount point. */
    static final String ESP_OPTION = "esp";
    /** Where an EFI system partition is mounted when the option does not say. */
    static final List<String> ESP_MOUNTS = List.of("/boot/efi", "/efi");
    static final String RECORD_VAR = "HandoffRecord";
    static final String STATUS_VAR = "HandoffResumeStatus";
    static final String USED_VAR = "HandoffFirmwareUsed";

    private final EfiVariables vars;
    private final HandoffRecord record;
    private final Path espRoot;
    private final Path files;
    private final boolean createdBoot;
    private final boolean createdApp;
    private final boolean previousRecord;
    private final List<String> described;

    private EfiArming(EfiVariables vars, HandoffRecord record, Path espRoot, Path files, boolean createdBoot,
                      boolean createdApp, boolean previousRecord, List<String> described) {
        this.vars = vars;
        this.record = record;
        this.espRoot = espRoot;
        this.files = files;
        this.createdBoot = createdBoot;
        this.createdApp = createdApp;
        this.previousRecord = previousRecord;
        this.described = List.copyOf(described);
    }

    /** Stage an arming: MOR, files, the Boot#### entry; the record is written at commit. */
    static EfiArming stage(HandoffRecord record, ArmTarget target, byte[] application) {
        PlanRequest request = target.request().orElseThrow(() -> new IllegalArgumentException("arming needs a request"));
        EfiVariables vars = EfiVariables.of(target.root());
        List<String> lines = new ArrayList<>();
        lines.add(clearMor(vars));
        String esp = espMount(target);
        EspPartition partition = EspPartition.detect(target.root(), esp);
        Path espRoot = target.root().resolve(esp.substring(1));
        Path app = onEsp(espRoot, EfiWarmRebootAssist.ESP_DIR + "\\" + EfiWarmRebootAssist.APP);
        Path kernel = onEsp(espRoot, record.kernelPath());
        Path dir = kernel.getParent();
        boolean createdApp = !Files.exists(app);
        try {
            Files.createDirectories(dir);
            if (createdApp || !Arrays.equals(Files.readAllBytes(app), application)) {
                Files.write(app, application);
            }
            Files.copy(request.kernel(), kernel, StandardCopyOption.REPLACE_EXISTING);
            if (record.initrdPath().isPresent()) {
                Files.copy(request.initrd().orElseThrow(), onEsp(espRoot, record.initrdPath().get()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteTree(dir);
            throw new HandoffException(FailureKind.OUTPUT, esp + ": cannot install on the EFI system partition: "
                    + e.getMessage());
        }
        lines.add(String.format("EFI system partition %s (%s): %s, %s%s", esp, partition.describe(),
                EfiWarmRebootAssist.ESP_DIR + "\\" + EfiWarmRebootAssist.APP, record.kernelPath(),
                record.initrdPath().map(i -> ", " + i).orElse("")));
        String boot = "Boot" + EfiWarmRebootAssist.hex4(record.bootNumber());
        byte[] option = new LoadOption(LoadOption.ACTIVE, EfiWarmRebootAssist.BOOT_DESCRIPTION, partition,
                EfiWarmRebootAssist.ESP_DIR + "\\" + EfiWarmRebootAssist.APP).encode();
        Optional<byte[]> existing;
        try {
            existing = vars.read(boot, EfiVariables.GLOBAL);
            if (existing.isPresent() && !LoadOption.description(existing.get())
                    .filter(EfiWarmRebootAssist.BOOT_DESCRIPTION::equals).isPresent()) {
                throw new HandoffException(FailureKind.BUSY, boot + " has become another boot entry since the plan "
                        + "was made; plan and load again");
            }
            if (existing.isEmpty() || !Arrays.equals(existing.get(), option)) {
                vars.write(boot, EfiVariables.GLOBAL, EfiVariables.NV_BS_RT, option);
            }
        } catch (HandoffException e) {
            // nothing half-done: the files staged for this arming go, the application too when it is new
            deleteTree(createdApp ? dir.getParent() : dir);
            throw e;
        }
        lines.add(boot + " \"" + EfiWarmRebootAssist.BOOT_DESCRIPTION + "\" -> " + EfiWarmRebootAssist.ESP_DIR + "\\"
                + EfiWarmRebootAssist.APP + " (not in BootOrder; purgatory sets BootNext at the crash)");
        boolean previous = vars.read(RECORD_VAR, EfiVariables.HANDOFF).isPresent();
        return new EfiArming(vars, record, espRoot, dir, existing.isEmpty(), createdApp, previous, lines);
    }

    @Override
    public List<String> describe() {
        List<String> out = new ArrayList<>(described);
        out.add(String.format("HandoffRecord-%s: crash region %s, ELF core header %#x (%d bytes), marker %#x",
                EfiVariables.HANDOFF, record.crashRegion(), record.elfCoreHeader(), record.elfCoreHeaderSize(),
                record.marker()));
        return out;
    }

    @Override
    public void commit() {
        vars.write(RECORD_VAR, EfiVariables.HANDOFF, EfiVariables.NV_BS_RT, record.encode());
        // the files of earlier armings are no longer named by any record
        Path parent = files.getParent();
        try (Stream<Path> dirs = Files.list(parent)) {
            dirs.filter(Files::isDirectory).filter(d -> !d.equals(files)).forEach(EfiArming::deleteTree);
        } catch (IOException e) {
            throw new HandoffException(FailureKind.OUTPUT, parent + ": " + e.getMessage());
        }
    }

    @Override
    public void rollback() {
        deleteTree(files);
        if (!previousRecord) {
            if (createdBoot) {
                vars.delete("Boot" + EfiWarmRebootAssist.hex4(record.bootNumber()), EfiVariables.GLOBAL);
            }
            if (createdApp) {
                deleteTree(files.getParent());
            }
        }
    }

    /** Remove the record, BootNext when it names our entry, the entry, and the files. */
    static List<String> disarm(ArmTarget target) {
        Path dir = target.root().resolve("sys/firmware/efi/efivars");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        EfiVariables vars = new EfiVariables(dir);
        List<String> out = new ArrayList<>();
        Optional<HandoffRecord> record = vars.read(RECORD_VAR, EfiVariables.HANDOFF)
                .map(b -> HandoffRecord.decode(b, dir.resolve(RECORD_VAR + "-" + EfiVariables.HANDOFF).toString()));
        if (vars.delete(RECORD_VAR, EfiVariables.HANDOFF)) {
            out.add("removed HandoffRecord-" + EfiVariables.HANDOFF);
        }
        for (String boot : vars.names("Boot", EfiVariables.GLOBAL)) {
            if (!boot.matches("Boot[0-9A-F]{4}")) {
                continue;
            }
            Optional<byte[]> data = vars.read(boot, EfiVariables.GLOBAL);
            if (data.flatMap(LoadOption::description).filter(EfiWarmRebootAssist.BOOT_DESCRIPTION::equals).isEmpty()) {
                continue;
            }
            int number = Integer.parseInt(boot.substring(4), 16);
            Optional<byte[]> next = vars.read("BootNext", EfiVariables.GLOBAL);
            if (next.isPresent() && next.get().length == 2
                    && Short.toUnsignedInt(ByteBuffer.wrap(next.get()).order(ByteOrder.LITTLE_ENDIAN).getShort()) == number) {
                vars.delete("BootNext", EfiVariables.GLOBAL);
                out.add("removed BootNext (it named " + boot + ")");
            }
            vars.delete(boot, EfiVariables.GLOBAL);
            out.add("removed " + boot + " \"" + EfiWarmRebootAssist.BOOT_DESCRIPTION + "\"");
        }
        try {
            String esp = espMount(target);
            Path files = onEsp(target.root().resolve(esp.substring(1)), EfiWarmRebootAssist.ESP_DIR);
            if (Files.exists(files)) {
                deleteTree(files);
                out.add("removed " + esp + EfiWarmRebootAssist.ESP_DIR.replace('\\', '/'));
            }
        } catch (HandoffException e) {
            out.add("EFI system partition not found, its files were left: " + e.getMessage());
        }
        record.ifPresent(r -> out.add(0, "disarmed efi-warm-reboot (nonce " + r.nonceHex() + ")"));
        return out;
    }

    /** Return whether the assist is armed and what the resume application reported last. */
    static List<String> status(ArmTarget target) {
        Path dir = target.root().resolve("sys/firmware/efi/efivars");
        if (!Files.isDirectory(dir)) {
            return List.of("not armed (no efivarfs at /sys/firmware/efi/efivars)");
        }
        EfiVariables vars;
        try {
            vars = EfiVariables.of(target.root());
        } catch (HandoffException e) {
            return List.of("unknown: " + e.getMessage());
        }
        List<String> out = new ArrayList<>();
        Optional<byte[]> bytes = vars.read(RECORD_VAR, EfiVariables.HANDOFF);
        if (bytes.isEmpty()) {
            out.add("not armed (no HandoffRecord variable)");
        } else {
            HandoffRecord r = HandoffRecord.decode(bytes.get(), RECORD_VAR + "-" + EfiVariables.HANDOFF);
            out.add(String.format("armed: Boot%s, kernel %s%s, crash region %s, ELF core header %#x, marker %#x",
                    EfiWarmRebootAssist.hex4(r.bootNumber()), r.kernelPath(), r.initrdPath().map(i -> ", initrd " + i)
                            .orElse(""), r.crashRegion(), r.elfCoreHeader(), r.marker()));
        }
        vars.read(STATUS_VAR, EfiVariables.HANDOFF).ifPresent(s -> out.add("last resume: "
                + new String(s, StandardCharsets.US_ASCII).strip()));
        vars.read(USED_VAR, EfiVariables.HANDOFF).ifPresent(u -> out.add(firmwareUsed(u)));
        return out;
    }

    /** Return the HandoffFirmwareUsed variable as one line: count, total and the first ranges. */
    static String firmwareUsed(byte[] u) {
        ByteBuffer b = ByteBuffer.wrap(u).order(ByteOrder.LITTLE_ENDIAN);
        if (u.length < 8) {
            return "firmware used: malformed HandoffFirmwareUsed (" + u.length + " bytes)";
        }
        long count = Integer.toUnsignedLong(b.getInt(0));
        if (8 + 24 * count > u.length) {
            return "firmware used: malformed HandoffFirmwareUsed (" + count + " entries in " + u.length + " bytes)";
        }
        long total = 0;
        List<String> ranges = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long s = b.getLong(8 + 24 * i);
            long e = b.getLong(16 + 24 * i);
            total += e - s;
            if (i < 8) {
                ranges.add(String.format("%#x-%#x (type %d)", s, e - 1, b.getInt(24 + 24 * i)));
            }
        }
        return String.format("firmware used %d ranges (%d KiB) of the dumped memory at the last resume%s%s", count,
                total >> 10, ranges.isEmpty() ? "" : ": " + String.join(", ", ranges), count > 8 ? ", ..." : "");
    }

    // the MOR request: set, the firmware wipes memory at the next boot, which is the very reboot we take
    private static String clearMor(EfiVariables vars) {
        String name = "MemoryOverwriteRequestControl";
        Optional<byte[]> mor = vars.read(name, EfiVariables.MOR);
        if (mor.isEmpty()) {
            return "MOR: not present (the firmware does not wipe memory on request)";
        }
        if (mor.get().length == 0 || (mor.get()[0] & 1) == 0) {
            return "MOR: present, not set";
        }
        try {
            vars.write(name, EfiVariables.MOR, EfiVariables.NV_BS_RT, new byte[] {0});
        } catch (HandoffException e) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, "MemoryOverwriteRequestControl is set (" + mor.get()[0]
                    + ") and cannot be cleared (MOR lock?): the firmware would wipe memory at the warm reboot, so "
                    + "efi-warm-reboot cannot keep the dump: " + e.getMessage());
        }
        return "MOR: was set (" + mor.get()[0] + "), cleared so the firmware keeps memory at the warm reboot";
    }

    private static String espMount(ArmTarget target) {
        String given = target.options().get(ESP_OPTION);
        if (given != null) {
            if (!given.startsWith("/")) {
                throw new HandoffException(FailureKind.USAGE, "--assist-option esp=" + given
                        + ": give the mount point as an absolute path");
            }
            return given.endsWith("/") && given.length() > 1 ? given.substring(0, given.length() - 1) : given;
        }
        Path mountinfo = target.root().resolve("proc/self/mountinfo");
        try {
            List<String> lines = Files.exists(mountinfo) ? Files.readAllLines(mountinfo) : List.of();
            for (String mount : ESP_MOUNTS) {
                if (lines.stream().anyMatch(l -> l.split(" ").length > 4 && l.split(" ")[4].equals(mount))) {
                    return mount;
                }
            }
        } catch (IOException e) {
            throw new HandoffException(FailureKind.NOT_AVAILABLE, mountinfo + ": " + e.getMessage());
        }
        throw new HandoffException(FailureKind.NOT_AVAILABLE, "no EFI system partition mounted at " + ESP_MOUNTS
                + "; mount it or pass --assist-option esp=DIR");
    }

    /** Return the file for a path on the ESP ({@code \EFI\handoff\...}). */
    static Path onEsp(Path espRoot, String espPath) {
        Path p = espRoot;
        for (String part : espPath.split("\\\\")) {
            if (!part.isEmpty()) {
                p = p.resolve(part);
            }
        }
        return p;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new HandoffException(FailureKind.OUTPUT, dir + ": cannot remove: " + e.getMessage());
        }
    }
}
