package io.handoff.platforms.s390x;

import io.handoff.core.plan.Contributions;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.spi.DumpFallback;
import io.handoff.api.spi.MemoryMapPassing;
import io.handoff.api.spi.PurgatoryStepContributor;
import io.handoff.core.digest.SegmentDigester;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plan.Planner;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.testing.Fixtures;
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

/** Test inputs: the bundled s390x profiles, synthetic s390 images, and plans through the real planner. */
final class S390Files {
    /** The crash region of the bundled s390x profiles. */
    static final long CRASH_BASE = 0x38000000L;
    static final long CRASH_SIZE = 0x08000000L;

    private S390Files() {
    }

    /** Return a bundled s390x profile (the distribution's or one a plugin ships: {@link Fixtures#bundledProfile}). */
    static Path profile(String name) {
        return Fixtures.bundledProfile(name);
    }

    /**
     * Write a synthetic s390 image: {@code size} bytes, "S390EP" at 0x10008, the built-in command line
     * "root=/dev/ram0 ro" at 0x10480, {@code maxCommandLine} at 0x10430, and a byte pattern elsewhere.
     */
    static Path image(Path dir, String name, int size, long maxCommandLine) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < size; i++) {
            b.put(i, (byte) (i * 31 + (i >>> 12)));
        }
        if (size >= 0x10480 + 32) {
            for (int i = 0x10400; i < 0x10480 + 32; i++) {
                b.put(i, (byte) 0);
            }
            b.put(0x10008, "S390EP".getBytes(StandardCharsets.US_ASCII));
            b.putLong(0x10430, maxCommandLine);
            b.put(0x10480, "root=/dev/ram0 ro".getBytes(StandardCharsets.US_ASCII));
        }
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    /** Plan through the real planner with the plugin's own contributions. */
    static HandoffImage plan(Path profile, PlanRequest request) {
        Contributions contributions = Contributions.of(List.of(new OldmemPassing()), List.of(new S390xPurgatorySteps()),
                List.of(new S390xDisabledWait(), new S390xDumpReipl()));
        return new Planner(new SegmentDigester(1 << 20, 2)).plan(new S390xPlatform(),
                new MapSettings(Map.of("memmap", "oldmem")), contributions,
                ProfileMachine.at(profile), request);
    }

    static PlanRequest kdump(Path kernel, Optional<Path> initrd, String commandLine) {
        return new PlanRequest(PlanRequest.Mode.KDUMP, kernel, initrd, commandLine, Map.of());
    }

    static PlanRequest kexec(Path kernel, Optional<Path> initrd, String commandLine) {
        return new PlanRequest(PlanRequest.Mode.KEXEC, kernel, initrd, commandLine, Map.of());
    }
}
