package io.handoff.it.kexec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.core.testing.Fixtures;
import io.handoff.it.kexec.ZeroPageView.E820Entry;
import io.handoff.launcher.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * handoff's x86_64 kdump plan against Debian's kexec-tools on every x86_64 capture of the iomem corpus (with a crash
 * region added where the capture has none, see {@link IomemCorpus#withCrashKernel()}).
 *
 * <p>Each capture becomes a profile: the captured QEMU profile with its {@code proc/iomem} replaced and its
 * {@code sys/firmware/memmap} removed, so both loaders take the machine's memory from {@code /proc/iomem} (kexec-tools'
 * {@code get_memory_ranges_proc_iomem}, and {@code get_crash_memory_ranges} for the ELF core header). What is compared
 * is what depends on that file: the segments (apart from purgatory), where the backup and ELF core header go, the
 * e820 table with its extension, the ELF core header and the command line. Captures kexec-tools refuses are listed in
 * {@link #REFUSED} with its reason, and handoff must refuse them too.
 */
class IomemCorpusDifferentialTests {
    private static final String[] NO_KERNEL_CODE = {"Cannot determine kernel physical load addr",
        "/proc/iomem: no \"Kernel code\" line; cannot tell where the running kernel is"};

    /**
     * Captures both loaders refuse: the file, kexec-tools' message and handoff's. The ESRT excerpts quote low memory
     * only, without a {@code Kernel code} line, which both need to place the running kernel in the ELF core header.
     */
    static final Map<String, String[]> REFUSED = Map.of(
            "019-x86-esrt-excerpt-a.iomem", NO_KERNEL_CODE,
            "020-x86-esrt-excerpt-b.iomem", NO_KERNEL_CODE,
            "021-x86-esrt-excerpt-c.iomem", NO_KERNEL_CODE);

    private static final Map<String, Path> PROFILES = new ConcurrentHashMap<>();
    private static final Map<String, KexecToolsRun> RUNS = new ConcurrentHashMap<>();
    private static final Map<String, HandoffPlanRun> PLANS = new ConcurrentHashMap<>();

    static Stream<IomemCorpus> planned() {
        return IomemCorpusTests.x86WithRoom().filter(c -> !REFUSED.containsKey(c.file()));
    }

    static Stream<Arguments> cases() {
        return planned().flatMap(c -> Stream.of(MemmapMode.values()).map(m -> Arguments.of(c, m)));
    }

    static Stream<IomemCorpus> refused() {
        return IomemCorpusTests.x86WithRoom().filter(c -> REFUSED.containsKey(c.file()));
    }

    /** The two loads of one capture. */
    record Pair(CapturedLoad kexec, CapturedLoad handoff, HandoffPlanRun plan) {
        static Pair of(IomemCorpus capture, MemmapMode mode) {
            Path profile = profile(capture);
            String key = capture.file() + "-" + mode;
            KexecToolsRun k = RUNS.computeIfAbsent(key, f -> {
                Prerequisites.kexec();
                Prerequisites.gcc();
                return KexecToolsRun.run(profile, Prerequisites.kernel(), ReferenceInputs.initrd(), ReferenceInputs.APPEND,
                        ReferenceInputs.work().resolve("corpus-kexec").resolve(f), mode.kexecArgs());
            });
            HandoffPlanRun h = PLANS.computeIfAbsent(key, f -> HandoffPlanRun.run(profile,
                    Prerequisites.kernel(), ReferenceInputs.initrd(), ReferenceInputs.APPEND, mode,
                    ReferenceInputs.work().resolve("corpus-handoff").resolve(f)));
            return new Pair(k.load(), h.load(), h);
        }
    }

    static Path profile(IomemCorpus capture) {
        return PROFILES.computeIfAbsent(capture.file(), f -> {
            Path dir = ReferenceInputs.work().resolve("corpus-profiles").resolve(f);
            try {
                return profileWith(dir, capture.withCrashKernel().orElseThrow());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Write the bundled profile with this /proc/iomem into {@code dir}, without its firmware map, so that the
     * machine's memory comes from /proc/iomem for both loaders.
     */
    static Path profileWith(Path dir, String iomem) throws IOException {
        ProfileVariant.copyTree(Fixtures.profile(ReferenceInputs.BASE_PROFILE), dir);
        Files.writeString(dir.resolve("proc/iomem"), iomem, StandardCharsets.UTF_8);
        ProfileVariant.deleteTree(dir.resolve("sys/firmware/memmap"));
        return dir;
    }

    @Test
    void everyX86CaptureIsComparedOrRefusedByBothOrHasNoRoomOrNoAddresses() {
        List<String> x86 = IomemCorpus.all().stream().filter(IomemCorpus::x86).map(IomemCorpus::file).toList();
        List<String> compared = planned().map(IomemCorpus::file).toList();
        List<String> refused = refused().map(IomemCorpus::file).toList();
        List<String> unprivileged = IomemCorpus.all().stream().filter(c -> c.x86() && c.parse().unprivileged())
                .map(IomemCorpus::file).toList();
        assertThat(compared).hasSizeGreaterThanOrEqualTo(19);
        assertThat(refused).containsExactlyInAnyOrderElementsOf(REFUSED.keySet());
        assertThat(unprivileged).containsExactly("013-x86-unprivileged-read.iomem");
        assertThat(Stream.of(compared, refused, IomemCorpusTests.WITHOUT_ROOM, unprivileged).flatMap(List::stream))
                .containsExactlyInAnyOrderElementsOf(x86);
    }

    @Nested
    class Segments {
        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.IomemCorpusDifferentialTests#cases")
        void sameRolesAndSizesApartFromPurgatory(IomemCorpus capture, MemmapMode mode) {
            Pair p = Pair.of(capture, mode);
            X86_64DifferentialTests.assertSameRolesAndSizesApartFromPurgatory(p.handoff(), p.kexec());
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.IomemCorpusDifferentialTests#cases")
        void backupAndElfCoreHeaderAreWhereKexecToolsPutsThem(IomemCorpus capture, MemmapMode mode) {
            Pair p = Pair.of(capture, mode);
            for (String role : List.of(LoadedSegment.BACKUP, LoadedSegment.ELFCOREHDR)) {
                assertThat(p.handoff().require(role).mem()).as(role).isEqualTo(p.kexec().require(role).mem());
            }
        }
    }

    @Nested
    class MemoryMap {
        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.IomemCorpusDifferentialTests#cases")
        void e820EntriesIncludingTheExtensionAreEqual(IomemCorpus capture, MemmapMode mode) {
            Pair p = Pair.of(capture, mode);
            List<E820Entry> kexec = ZeroPageView.of(p.kexec()).e820All(p.kexec());
            assertThat(ZeroPageView.of(p.handoff()).e820All(p.handoff())).containsExactlyElementsOf(kexec);
            assertThat(ZeroPageView.of(p.handoff()).e820Table())
                    .containsExactlyElementsOf(ZeroPageView.of(p.kexec()).e820Table());
        }

        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.IomemCorpusDifferentialTests#cases")
        void commandLinesAreEqualApartFromTheElfCoreHeaderAddress(IomemCorpus capture, MemmapMode mode) {
            Pair p = Pair.of(capture, mode);
            assertThat(X86_64DifferentialTests.normalise(ZeroPageView.of(p.handoff()).commandLine(p.handoff())))
                    .isEqualTo(X86_64DifferentialTests.normalise(ZeroPageView.of(p.kexec()).commandLine(p.kexec())));
        }
    }

    @Nested
    class ElfCoreHeader {
        @ParameterizedTest(name = "{0} {1}")
        @MethodSource("io.handoff.it.kexec.IomemCorpusDifferentialTests#cases")
        void headerFieldsAndProgramHeadersAreEqualApartFromTheBackupRedirect(IomemCorpus capture, MemmapMode mode) {
            Pair p = Pair.of(capture, mode);
            assertThat(X86_64DifferentialTests.elfHeader(p.handoff()))
                    .containsExactlyEntriesOf(X86_64DifferentialTests.elfHeader(p.kexec()));
            assertThat(X86_64DifferentialTests.withoutBackupOffset(X86_64DifferentialTests.programHeaders(p.handoff())))
                    .containsExactlyElementsOf(X86_64DifferentialTests.withoutBackupOffset(
                            X86_64DifferentialTests.programHeaders(p.kexec())));
        }
    }

    @Nested
    class Refused {
        @ParameterizedTest(name = "{0}")
        @MethodSource("io.handoff.it.kexec.IomemCorpusDifferentialTests#refused")
        void byKexecToolsAndByHandoffForTheSameReason(IomemCorpus capture) {
            Path profile = profile(capture);
            String[] reasons = REFUSED.get(capture.file());
            Prerequisites.kexec();
            Prerequisites.gcc();
            assertThatThrownBy(() -> KexecToolsRun.run(profile, Prerequisites.kernel(), ReferenceInputs.initrd(),
                    ReferenceInputs.APPEND, ReferenceInputs.work().resolve("corpus-kexec").resolve(capture.file()),
                    MemmapMode.E820.kexecArgs())).isInstanceOf(IllegalStateException.class).hasMessageContaining(reasons[0]);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int rc = Main.run(new String[] {"plan", "--plugins", HandoffPlanRun.pluginsDir().toString(), "--platform",
                "x86_64", "--root", profile.toString(), "--kernel", Prerequisites.kernel().toString(), "--crash", "--out",
                ReferenceInputs.work().resolve("corpus-refused").resolve(capture.file()).toString()},
                    new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(rc).as(err.toString()).isEqualTo(4);
            assertThat(err.toString()).startsWith("handoff: ").contains(reasons[1]).hasLineCount(1);
        }
    }

    @Nested
    class FailedReservation {
        @Test
        void aCrashKernelLineReadingZeroZeroIsRefusedByBothAsCaptured() throws IOException {
            IomemCorpus capture = IomemCorpusTests.capture("012-x86-zero-crash-kernel.iomem");
            Path profile = profileWith(ReferenceInputs.work().resolve("corpus-profiles")
                    .resolve("as-captured-" + capture.file()), capture.text());
            Prerequisites.kexec();
            Prerequisites.gcc();
            // kexec-tools takes 0-0 for the crash region and finds no room in it for the backup copy
            assertThatThrownBy(() -> KexecToolsRun.run(profile, Prerequisites.kernel(), ReferenceInputs.initrd(),
                    ReferenceInputs.APPEND, ReferenceInputs.work().resolve("corpus-kexec").resolve("as-captured"),
                    MemmapMode.E820.kexecArgs())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Cannot load");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int rc = Main.run(new String[] {"plan", "--plugins", HandoffPlanRun.pluginsDir().toString(), "--platform",
                "x86_64", "--root", profile.toString(), "--kernel", Prerequisites.kernel().toString(), "--crash", "--out",
                ReferenceInputs.work().resolve("corpus-refused").resolve("as-captured").toString()},
                    new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(rc).as(err.toString()).isEqualTo(5);
            assertThat(err.toString().strip()).isEqualTo("handoff: /proc/iomem line 2: the \"Crash kernel\" line reads "
                    + "0-0: the crashkernel= reservation failed; boot with a crashkernel=SIZE the machine can reserve");
        }
    }
}
