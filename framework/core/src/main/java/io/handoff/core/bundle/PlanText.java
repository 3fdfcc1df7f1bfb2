package io.handoff.core.bundle;

import io.handoff.api.machine.EfiFirmware;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.plan.Segment;
import io.handoff.core.digest.SegmentDigest;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plan.PlanSession;
import io.handoff.core.purgatory.LinkedPurgatory;
import io.handoff.core.purgatory.PurgatoryImage;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code plan.txt}: the plan as a person reads it, with every segment and what is still missing.
 */
public final class PlanText {
    /** Said in every plan of a platform that ships no purgatory image: nothing pretends otherwise. */
    public static final String NO_PURGATORY = "the platform ships no purgatory image: the plan has no purgatory "
            + "segment, nothing verifies the digests before the jump, and 'handoff load' refuses to load it";

    private PlanText() {
    }

    /**
     * Render the plan.
     *
     * @param image the plan
     * @param machine the machine
     * @param files the bundle file of each segment
     * @return the text
     */
    public static String render(HandoffImage image, Machine machine, List<String> files) {
        StringBuilder t = new StringBuilder();
        boolean crash = image.request().crash();
        t.append(String.format("handoff plan: %s, %s%n", image.platformId(),
                crash ? "kdump (capture kernel loaded into the crash region, booted on panic)"
                      : "kexec (reboot into a new kernel)"));
        t.append(String.format("machine:      %s%n", machine.view().root()));
        t.append(String.format("firmware:     %s%n", firmware(machine)));
        t.append(String.format("kernel:       %s%n", image.request().kernel()));
        image.request().initrd().ifPresent(i -> t.append(String.format("initrd:       %s%n", i)));
        image.crashRegion().ifPresent(r -> t.append(String.format("crash region: %s%n", range(r))));
        t.append(String.format("command line: %s%n", image.plan().commandLine()));
        if (image.purgatory()) {
            t.append(String.format("entry:        %#x (purgatory; it enters the kernel at %#x)%n", image.entry(),
                    image.plan().entry()));
        } else {
            t.append(String.format("entry:        %#x%n", image.entry()));
        }
        if (!image.plan().registers().isEmpty()) {
            StringBuilder regs = new StringBuilder();
            image.plan().registers().forEach((k, v) -> regs.append(String.format("%s=%#x ", k, v)));
            t.append(String.format("registers:    %s%n", regs.toString().trim()));
        }
        t.append(String.format("kexec flags:  %#x (%s)%n", image.kexecFlags(), flags(image)));
        t.append(String.format("%nsegments (%d of at most 16), sorted by address:%n", image.segments().size()));
        // 12 wide, wider only for a longer role (efi-runtime-map) so the columns stay aligned
        int roleWidth = Math.max(12, image.segments().stream().mapToInt(s -> s.role().length()).max().orElse(0));
        t.append(String.format("  #  %-" + roleWidth + "s %-20s %-10s %-10s %-10s %s%n", "role", "physical range",
                "memsz", "bufsz", "chunks", "sha256 of data"));
        for (int i = 0; i < image.segments().size(); i++) {
            Segment s = image.segments().get(i);
            SegmentDigest d = image.digests().get(i);
            t.append(String.format("  %-2d %-" + roleWidth + "s %-20s %-10s %-10s %-10d %s%n", i, s.role(),
                    String.format("%#x-%#x", s.mem(), s.end()), PlanSession.human(s.memsz()),
                    PlanSession.human(s.bufsz()), d.chunks().size(),
                    HexFormat.of().formatHex(d.sha256()).substring(0, 16) + "…"));
        }
        t.append(String.format("  files: %s%n", String.join(", ", files)));
        if (!image.plan().facts().isEmpty()) {
            t.append(String.format("%nboot data:%n"));
            for (Map.Entry<String, String> e : image.plan().facts().entrySet()) {
                t.append(String.format("  %-28s %s%n", e.getKey(), e.getValue()));
            }
        }
        if (image.assist().isPresent()) {
            t.append(String.format("%ncrash assist %s:%n", image.assist().get().assist()));
            image.assist().get().facts().forEach((k, v) -> t.append(String.format("  %-28s %s%n", k, v)));
        }
        if (image.linkedPurgatory().isPresent()) {
            LinkedPurgatory p = image.linkedPurgatory().get();
            PurgatoryImage pi = p.image();
            t.append(String.format("%npurgatory: linked at %#x, entry %#x (base + %#x), image %#x bytes, parameter "
                    + "area %#x+%#x%n", p.segment().mem(), p.entry(), pi.entryOffset(), pi.imageSize(),
                    pi.paramOffset(), pi.paramSize()));
            for (String line : p.decoded().listing()) {
                t.append("  ").append(line).append(System.lineSeparator());
            }
        } else {
            t.append(String.format("%npurgatory: %s%n", NO_PURGATORY));
        }
        for (String w : image.plan().warnings()) {
            t.append(String.format("warning: %s%n", w));
        }
        return t.toString();
    }

    /** What plans say of a machine without /sys/firmware/efi: a BIOS PC, an s390, a profile captured without it. */
    public static final String NO_EFI = "no EFI (no /sys/firmware/efi)";

    /** Return the machine's firmware as plans show it: {@code UEFI, 64-bit, N runtime regions}, or {@link #NO_EFI}. */
    public static String firmware(Machine machine) {
        return machine.efiFirmware().map(EfiFirmware::describe).orElse(NO_EFI);
    }

    private static String range(MemoryRange r) {
        return String.format("%#x-%#x (%s)", r.start(), r.end(), PlanSession.human(r.size()));
    }

    private static String flags(HandoffImage image) {
        String arch = "arch " + (image.kexecFlags() >>> 16) + " << 16";
        return (image.kexecFlags() & HandoffImage.KEXEC_ON_CRASH) != 0 ? "KEXEC_ON_CRASH | " + arch : arch;
    }
}
