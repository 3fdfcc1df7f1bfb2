package io.handoff.core.load;

import io.handoff.api.machine.MemoryRange;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.purgatory.LinkedPurgatory;
import io.handoff.core.purgatory.PurgatoryImage;
import io.handoff.core.purgatory.StepProgram;
import io.handoff.core.testing.SyntheticPurgatory;
import java.nio.ByteOrder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Small plans shaped like an x86_64 kdump plan: kernel from a file, boot data, purgatory, ELF core header.
 */
final class TestImages {
    /** The kernel's entry (the platform's). */
    static final long KERNEL_ENTRY = 0x39e00200L;
    /** Purgatory's entry: what kexec_load receives when purgatory is linked. */
    static final long PURGATORY_ENTRY = 0x3df54760L;
    static final long KDUMP_FLAGS = HandoffImage.KEXEC_ON_CRASH | (62L << 16);

    private TestImages() {
    }

    static HandoffImage kdump(Path dir, boolean purgatory) throws IOException {
        Path kernel = dir.resolve("vmlinuz");
        byte[] bytes = new byte[0x5000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        Files.write(kernel, bytes);
        Path initrd = Files.write(dir.resolve("initrd"), new byte[100]);
        PlanRequest request = new PlanRequest(PlanRequest.Mode.KDUMP, kernel, Optional.of(initrd), "console=ttyS0",
                Map.of());
        List<Segment> segments = new java.util.ArrayList<>(List.of(
                new Segment("kernel", new SegmentData.FileSlice(kernel, 0x1000, 0x4000), 0x39e00000L, 0x3f98000L),
                new Segment("setup", new SegmentData.Bytes(new byte[0x50a5]), 0x3df4e000L, 0x6000L)));
        Optional<LinkedPurgatory> linked = Optional.empty();
        if (purgatory) {
            byte[] blob = SyntheticPurgatory.blob();
            Segment segment = new Segment("purgatory", new SegmentData.Bytes(blob), 0x3df54000L, 0x9000L);
            segments.add(segment);
            linked = Optional.of(new LinkedPurgatory(PurgatoryImage.read(blob, "synthetic", ByteOrder.LITTLE_ENDIAN),
                    segment, new StepProgram(List.of(), List.of(), Optional.empty()), PURGATORY_ENTRY,
                    io.handoff.core.purgatory.StepKinds.GENERIC));
        }
        segments.add(new Segment("elfcorehdr", new SegmentData.Bytes(new byte[0x400]), 0x3df5d000L, 0x4000L));
        segments.add(new Segment("backup", new SegmentData.Zeros(), 0x3df61000L, 0x9f000L));
        PlatformPlan plan = new PlatformPlan(KERNEL_ENTRY, Map.of("rip", KERNEL_ENTRY), "console=ttyS0 elfcorehdr=1015156K", Map.of(),
                List.of());
        return new HandoffImage("x86_64", request, plan, segments, List.of(), KDUMP_FLAGS,
                Optional.of(new MemoryRange(0x2e000000L, 0x3dffffffL, io.handoff.api.machine.RangeType.RESERVED)), linked);
    }
}
