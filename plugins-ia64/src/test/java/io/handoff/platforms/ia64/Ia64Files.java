package io.handoff.platforms.ia64;

import io.handoff.api.plan.PlanRequest;
import io.handoff.core.digest.SegmentDigester;
import io.handoff.core.plan.Contributions;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plan.Planner;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.testing.MapSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Test inputs: the bundled ia64 profile, synthetic IA-64 ELF vmlinux files, and plans through the real planner. */
final class Ia64Files {
    /** The bundled profile's crash region: crashkernel=256M@256M. */
    static final long CRASH_BASE = 0x10000000L;
    static final long CRASH_END = 0x20000000L;
    /** Where Linux's ia64 vmlinux is linked: text at physical 64 MiB. */
    static final long LINKED_AT = 0x4000000L;

    private Ia64Files() {
    }

    /** Return the bundled profile's directory. */
    static Path profile() {
        return Path.of("src/main/profiles/ia64-rx2660-8g").toAbsolutePath();
    }

    /**
     * Write an ELF64 EM_IA_64 ET_EXEC file laid out as Linux's vmlinux: PT_LOADs of the given file sizes (each 64 KiB
     * aligned, consecutive from physical 64 MiB), a PT_NOTE after them, entry at the text's start; bytes a pattern.
     */
    static Path vmlinux(Path dir, String name, int... sizes) throws IOException {
        int phnum = sizes.length + 1;
        long offset = 0x10000;
        ByteBuffer h = ByteBuffer.allocate(64 + 56 * phnum).order(ByteOrder.LITTLE_ENDIAN);
        h.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        h.putShort(16, (short) 2).putShort(18, (short) 50).putInt(20, 1).putLong(24, LINKED_AT).putLong(32, 64)
                .putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) phnum);
        long paddr = LINKED_AT;
        long fileEnd = offset;
        for (int i = 0; i < sizes.length; i++) {
            int at = 64 + 56 * i;
            h.putInt(at, 1).putInt(at + 4, 7).putLong(at + 8, fileEnd).putLong(at + 16, 0xa000000100000000L
                    + (paddr - LINKED_AT)).putLong(at + 24, paddr).putLong(at + 32, sizes[i])
                    .putLong(at + 40, sizes[i]).putLong(at + 48, 0x10000);
            long span = (sizes[i] + 0xFFFFL) & ~0xFFFFL;
            paddr += span;
            fileEnd += span;
        }
        int note = 64 + 56 * sizes.length;
        h.putInt(note, 4).putLong(note + 8, 0).putLong(note + 32, 0);
        byte[] file = new byte[(int) fileEnd];
        for (int i = (int) offset; i < file.length; i++) {
            file[i] = (byte) (i * 7 + (i >>> 10));
        }
        System.arraycopy(h.array(), 0, file, 0, h.capacity());
        Path out = dir.resolve(name);
        Files.write(out, file);
        return out;
    }

    /** Write a vmlinux that carries the synthetic kernel's marker at the start of its text. */
    static Path synthetic(Path dir) throws IOException {
        Path file = vmlinux(dir, "vmlinux-synthetic", 0x8000, 0x10000, 0x20000);
        byte[] b = Files.readAllBytes(file);
        byte[] marker = Vmlinux.SYNTHETIC_MARKER.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(marker, 0, b, 0x10000, marker.length);
        Files.write(file, b);
        return file;
    }

    /** Plan through the real planner with the plugin's own contributions and settings. */
    static HandoffImage plan(Path profile, PlanRequest request) {
        return plan(profile, request, Map.of("page-size", "16384", "noio", "false"));
    }

    static HandoffImage plan(Path profile, PlanRequest request, Map<String, String> settings) {
        Contributions contributions = Contributions.of(List.of(), List.of(new Ia64PurgatorySteps()),
                List.of(new Ia64HaltFallback()));
        return new Planner(new SegmentDigester(1 << 20, 2)).plan(new Ia64Platform(), new MapSettings(settings),
                contributions, ProfileMachine.at(profile), request);
    }

    static PlanRequest kdump(Path kernel, Optional<Path> initrd, String commandLine) {
        return new PlanRequest(PlanRequest.Mode.KDUMP, kernel, initrd, commandLine, Map.of());
    }

    static PlanRequest kexec(Path kernel, Optional<Path> initrd, String commandLine) {
        return new PlanRequest(PlanRequest.Mode.KEXEC, kernel, initrd, commandLine, Map.of());
    }

    static PlanRequest with(PlanRequest r, Map<String, String> options) {
        return new PlanRequest(r.mode(), r.kernel(), r.initrd(), r.commandLine(), options);
    }
}
