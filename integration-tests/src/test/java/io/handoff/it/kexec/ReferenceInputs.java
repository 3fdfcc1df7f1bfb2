package io.handoff.it.kexec;

import io.handoff.core.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The inputs every differential test shares (kernel, initrd, generated profiles, command line) and a cache of
 * kexec-tools runs, one per profile variant and memory-map mode, kept for the whole JVM.
 */
public final class ReferenceInputs {
    /** The command line both loaders are given; each appends its own additions. */
    public static final String APPEND = "console=ttyS0 irqpoll nr_cpus=1 reset_devices";
    /** The captured profile the variants start from. */
    public static final String BASE_PROFILE = "qemu-pc-x86_64-1g";
    /** Initrd size: not a page multiple, so bufsz and memsz differ. */
    public static final int INITRD_SIZE = 1_000_003;

    private static final Path WORK = createWork();
    private static final Map<ProfileVariant, Path> PROFILES = new ConcurrentHashMap<>();
    private static final Map<String, KexecToolsRun> RUNS = new ConcurrentHashMap<>();
    private static final Map<String, HandoffPlanRun> PLANS = new ConcurrentHashMap<>();
    private static volatile Path initrd;

    private ReferenceInputs() {
    }

    /** Return a scratch directory for this JVM (deleted at exit). */
    public static Path work() {
        return WORK;
    }

    /** Return the initrd: deterministic pseudo-random bytes. */
    public static synchronized Path initrd() {
        if (initrd == null) {
            byte[] data = new byte[INITRD_SIZE];
            new Random(0x5eed).nextBytes(data);
            try {
                initrd = Files.write(WORK.resolve("initrd.img"), data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return initrd;
    }

    /** Return the generated profile directory of a variant. */
    public static Path profile(ProfileVariant variant) {
        return PROFILES.computeIfAbsent(variant, v -> v.create(Fixtures.profile(BASE_PROFILE),
                WORK.resolve("profiles").resolve(v.name().toLowerCase())));
    }

    /** Return kexec-tools' load for a variant and mode (run once, then cached); skips when tools are missing. */
    public static KexecToolsRun kexec(ProfileVariant variant, MemmapMode mode) {
        Path kernel = Prerequisites.kernel();
        Prerequisites.kexec();
        Prerequisites.gcc();
        return RUNS.computeIfAbsent(variant + "-" + mode, key -> KexecToolsRun.run(profile(variant), kernel, initrd(),
                APPEND, WORK.resolve("kexec").resolve(key.toLowerCase()), mode.kexecArgs()));
    }

    /** Return handoff's plan for a variant and mode (run once, then cached). */
    public static HandoffPlanRun handoff(ProfileVariant variant, MemmapMode mode) {
        Path kernel = Prerequisites.kernel();
        return PLANS.computeIfAbsent(variant + "-" + mode, key -> HandoffPlanRun.run(profile(variant), kernel, initrd(),
                APPEND, mode, WORK.resolve("handoff").resolve(key.toLowerCase())));
    }

    private static Path createWork() {
        try {
            Path dir = Files.createTempDirectory("handoff-diff");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (System.getenv("HANDOFF_KEEP_DIFF") != null) {
            return; // keep the runs for a human to diff
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
