package io.handoff.it.kexec;

import static io.handoff.it.kexec.Ia64KexecToolsRun.BOOT_PARAM;
import static io.handoff.it.kexec.Ia64KexecToolsRun.CMDLINE;
import static io.handoff.it.kexec.Ia64KexecToolsRun.EFI_MEMMAP;
import static io.handoff.it.kexec.Ia64KexecToolsRun.LOADED_SEGMENTS;
import static io.handoff.it.kexec.Ia64KexecToolsRun.PAGE_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * handoff's ia64 plans against kexec-tools 2.0.25's own ia64 loader (built for this host with a stub purgatory by
 * {@code kexec-ia64-reference.sh}, run through the capture shim as an ia64 machine with 16 KiB pages) on the same
 * synthetic vmlinux, initrd, command line and machine profile, for every profile of
 * {@code src/test/resources/ia64-profiles} and both {@code kexec -l} and {@code kexec -p}.
 *
 * <p>{@link Oracle} checks the oracle alone against the rules the plugin implements (an independent placement model,
 * the ELF core header and loaded_segments table computed from the profile); the other nested classes compare
 * handoff's plan with the oracle. Addresses of buffers kexec-tools places after (below) its purgatory may differ,
 * because the two purgatories differ in size; each such address is checked against handoff's own placement
 * instead. {@code integration-tests/DIFFERENCES.md} ("ia64") lists every tolerated difference.
 */
class Ia64DifferentialTests {
    /** The command line both loaders are given ({@code --append} always: kexec -p crashes without one). */
    static final String APPEND = "console=ttyS0,115200 root=/dev/sda2 ro irqpoll";
    static final String PLATFORM = "ia64";
    /** Linux ia64's KERNEL_START and PAGE_OFFSET. */
    static final long KERNEL_START = 0xa000000100000000L;
    static final long PAGE_OFFSET = 0xe000000000000000L;
    /** kexec-tools' ELF_PAGE_SIZE for the loaded_segments entries and its default note size. */
    static final long ELF_PAGE = 64 * 1024;
    static final long DEFAULT_NOTE_SIZE = 1024;
    private static final Pattern ELFCOREHDR = Pattern.compile("(?:^| )elfcorehdr=(\\d+)K");
    private static final Map<String, Ia64KexecToolsRun> ORACLE = new ConcurrentHashMap<>();
    private static final Map<String, HandoffPlanRun> PLANS = new ConcurrentHashMap<>();

    static Stream<Arguments> cases() {
        return profiles().stream().flatMap(p -> Stream.of(Arguments.of(p, false), Arguments.of(p, true)));
    }

    static List<String> profiles() {
        try (Stream<Path> s = Files.list(Prerequisites.ia64Profiles())) {
            return s.filter(d -> Files.isRegularFile(d.resolve("proc/iomem"))).map(d -> d.getFileName().toString())
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path profile(String name) {
        return Prerequisites.ia64Profiles().resolve(name);
    }

    static Path kernel() {
        return Prerequisites.ia64Kernel(ReferenceInputs.work());
    }

    /** Return the oracle's load (run once per profile and mode). */
    static Ia64KexecToolsRun oracle(String profile, boolean crash) {
        Path kernel = kernel();
        Prerequisites.ia64Kexec();
        String key = profile + (crash ? "-p" : "-l");
        return ORACLE.computeIfAbsent(key, k -> Ia64KexecToolsRun.run(crash, profile(profile), kernel,
                ReferenceInputs.initrd(), APPEND, ReferenceInputs.work().resolve("ia64-kexec").resolve(k)));
    }

    /** Return handoff's plan (run once per profile and mode); fails when the ia64 plugin was not built. */
    static HandoffPlanRun handoff(String profile, boolean crash) {
        requireIa64Plugin();
        Path kernel = kernel();
        String key = profile + (crash ? "-p" : "-l");
        return PLANS.computeIfAbsent(key, k -> HandoffPlanRun.plan(PLATFORM, profile(profile), kernel,
                ReferenceInputs.initrd(), APPEND, crash, List.of(),
                ReferenceInputs.work().resolve("ia64-handoff").resolve(k)));
    }

    /** Fail (never skip) when the build did not put the ia64 plugin beside the others. */
    static void requireIa64Plugin() {
        Path dir = HandoffPlanRun.pluginsDir();
        boolean present;
        try (Stream<Path> s = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
            present = s.anyMatch(p -> p.getFileName().toString().startsWith("plugins-ia64")
                    && p.getFileName().toString().endsWith(".jar"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!present) {
            fail("the ia64 plugin is not in " + dir + ": the handoff half of the ia64 differential tests needs the "
                    + "plugins-ia64 jar there (add io.handoff:plugins-ia64 as a test-scoped dependency of "
                    + "integration-tests, like plugins-x86_64, and exclude it from the test classpath)");
        }
    }

    /** Both loads of one case. */
    record Pair(CapturedLoad kexec, CapturedLoad handoff, HandoffPlanRun plan) {
        static Pair of(String profile, boolean crash) {
            Ia64KexecToolsRun k = oracle(profile, crash);
            HandoffPlanRun h = Ia64DifferentialTests.handoff(profile, crash);
            return new Pair(k.load(), h.load(), h);
        }
    }

    /** The roles of a load in address order. */
    static List<String> rolesByAddress(CapturedLoad load) {
        return load.segments().stream().sorted(Comparator.comparingLong(LoadedSegment::mem)).map(LoadedSegment::role)
                .toList();
    }

    /** The roles a load must have, in address order, for a kernel of {@code kernelSegments} PT_LOADs. */
    static List<String> expectedRoles(int kernelSegments, boolean crash) {
        List<String> roles = new ArrayList<>();
        for (int i = 0; i < kernelSegments; i++) {
            roles.add(LoadedSegment.KERNEL);
        }
        // top-down in call order: purgatory, [elfcorehdr], loaded_segments, boot_param, efi memmap, cmdline, initrd
        roles.addAll(List.of(LoadedSegment.INITRD, CMDLINE, EFI_MEMMAP, BOOT_PARAM, LOADED_SEGMENTS));
        if (crash) {
            roles.add(LoadedSegment.ELFCOREHDR);
        }
        roles.add(LoadedSegment.PURGATORY);
        return roles;
    }

    @Nested
    class Oracle {
        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void everySegmentIsPageAlignedAndTheRolesComeInKexecToolsOrder(String profile, boolean crash) throws IOException {
            CapturedLoad k = oracle(profile, crash).load();
            int loads = Ia64KexecToolsRun.ptLoads(Files.readAllBytes(kernel())).size();
            assertThat(rolesByAddress(k)).isEqualTo(expectedRoles(loads, crash));
            assertThat(k.flags()).isEqualTo(Ia64KexecToolsRun.KEXEC_ARCH_IA_64 | (crash ? Ia64KexecToolsRun.KEXEC_ON_CRASH : 0));
            for (LoadedSegment s : k.segments()) {
                assertThat(s.mem() % PAGE_SIZE).as("%s mem", s).isZero();
                assertThat(s.memsz() % PAGE_SIZE).as("%s memsz", s).isZero();
            }
        }

        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void thePlacementModelReproducesEveryAddress(String profile, boolean crash) throws IOException {
            CapturedLoad k = oracle(profile, crash).load();
            assertThat(modelAddresses(profile, crash, k)).isEqualTo(addresses(k));
        }

        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void theKernelGoesToTheCrashRegionOrStaysInRamOrMovesToTheFirst64MiBAlignedRamThatHoldsIt(String profile,
                                                                                               boolean crash) throws IOException {
            CapturedLoad k = oracle(profile, crash).load();
            List<long[]> loads = Ia64KexecToolsRun.ptLoads(Files.readAllBytes(kernel()));
            long offset = k.all(LoadedSegment.KERNEL).get(0).mem() - loads.get(0)[3];
            assertThat(expectedKernelBase(profile, crash, loads) - loads.get(0)[3]).isEqualTo(offset);
            List<LoadedSegment> kernelSegments = k.all(LoadedSegment.KERNEL);
            for (int i = 0; i < loads.size(); i++) {
                assertThat(kernelSegments.get(i).mem()).isEqualTo(loads.get(i)[3] + offset);
                assertThat(kernelSegments.get(i).bufsz()).isEqualTo(loads.get(i)[1]);
                assertThat(kernelSegments.get(i).memsz()).isEqualTo(Ia64PlacementModel.roundUp(loads.get(i)[2], PAGE_SIZE));
            }
        }

        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void theLoadedSegmentsTableIsTheKernelsSpanAndTheElfCoreHeader(String profile, boolean crash) throws IOException {
            CapturedLoad k = oracle(profile, crash).load();
            List<long[]> expected = new ArrayList<>();
            List<long[]> loads = Ia64KexecToolsRun.ptLoads(Files.readAllBytes(kernel()));
            List<LoadedSegment> kernelSegments = k.all(LoadedSegment.KERNEL);
            // the synthetic kernel's PT_LOADs are consecutive program headers: one entry from the first's start to
            // the last's end, each rounded to 64 KiB
            long lastEnd = kernelSegments.get(kernelSegments.size() - 1).mem() + loads.get(loads.size() - 1)[2];
            expected.add(new long[] {kernelSegments.get(0).mem() & -ELF_PAGE, Ia64PlacementModel.roundUp(lastEnd, ELF_PAGE)});
            if (crash) {
                LoadedSegment h = k.require(LoadedSegment.ELFCOREHDR);
                expected.add(new long[] {h.mem(), h.mem() + h.bufsz()});
            }
            expected.sort(Comparator.comparingLong(a -> a[0]));
            assertThat(Ia64KexecToolsRun.loadedSegments(k.require(LOADED_SEGMENTS).data())).containsExactlyElementsOf(expected);
            assertThat(k.require(LOADED_SEGMENTS).bufsz()).isEqualTo(16L * expected.size());
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#profiles")
        void theElfCoreHeaderIsTheProfilesNotesKernelCodeAndRamOutsideTheCrashRegion(String profile) throws IOException {
            LoadedSegment h = oracle(profile, true).load().require(LoadedSegment.ELFCOREHDR);
            ExpectedCore e = ExpectedCore.of(profile(profile));
            assertThat(Ehdr.of(h.data())).isEqualTo(new Ehdr(Arrays.copyOf(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, 16),
                    4, 50, 1, 0, 64, 0, 0, 64, 56, e.phdrs().size(), 0, 0, 0));
            assertThat(Phdr.all(h.data())).containsExactlyElementsOf(e.phdrs());
            assertThat(h.bufsz()).isEqualTo(e.bufferSize());
            int used = 64 + 56 * e.phdrs().size();
            assertThat(Arrays.copyOfRange(h.data(), used, h.data().length)).as("padding").containsOnly((byte) 0);
        }

        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void theCommandLineIsTheAppendPlusElfcorehdrAndTheCrashRegionLimits(String profile, boolean crash) throws IOException {
            CapturedLoad k = oracle(profile, crash).load();
            String expected = APPEND;
            if (crash) {
                Ia64PlacementModel m = Ia64PlacementModel.of(profile(profile), true, PAGE_SIZE);
                expected += " elfcorehdr=" + k.require(LoadedSegment.ELFCOREHDR).mem() / 1024 + "K"
                        + " max_addr=" + (m.memMax() >>> 20) + "M min_addr=" + (m.memMin() >>> 20) + "M";
            }
            assertThat(Ia64KexecToolsRun.commandLine(k.require(CMDLINE).data())).hasValue(expected);
            assertThat(k.require(CMDLINE).bufsz()).isEqualTo(Ia64PlacementModel.roundUp(expected.length() + 1, 16));
            assertThat(k.require(BOOT_PARAM).bufsz()).isEqualTo(Ia64KexecToolsRun.BOOT_PARAM_SIZE);
            assertThat(k.require(EFI_MEMMAP).bufsz())
                    .isEqualTo(Ia64KexecToolsRun.efiMemmapBufferSize(profile(profile)).orElseThrow());
        }

        @Test
        void kexecToolsCrashesOnAKdumpLoadWithoutAppend() {
            String profile = profiles().get(0);
            Ia64KexecToolsRun.Outcome o = Ia64KexecToolsRun.execute(true, profile(profile), kernel(),
                    ReferenceInputs.initrd(), null, ReferenceInputs.work().resolve("ia64-kexec-no-append"));
            // strcpy from the NULL command line in elf_ia64_load: SIGSEGV, 128 + 11 from the shell
            assertThat(o.exitStatus()).as(o.output()).isEqualTo(139);
        }
    }

    @Nested
    class Segments {
        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void sameRolesInTheSameAddressOrder(String profile, boolean crash) {
            Pair p = Pair.of(profile, crash);
            assertThat(rolesByAddress(p.handoff())).isEqualTo(rolesByAddress(p.kexec()));
        }

        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void kernelSegmentsAreAtTheSameAddressesWithTheSameBytes(String profile, boolean crash) {
            Pair p = Pair.of(profile, crash);
            List<LoadedSegment> h = p.handoff().all(LoadedSegment.KERNEL);
            List<LoadedSegment> k = p.kexec().all(LoadedSegment.KERNEL);
            assertThat(h).hasSameSizeAs(k);
            for (int i = 0; i < k.size(); i++) {
                assertThat(h.get(i).mem()).as("kernel segment %d", i).isEqualTo(k.get(i).mem());
                assertThat(h.get(i).memsz()).as("kernel segment %d memsz", i).isEqualTo(k.get(i).memsz());
                assertThat(h.get(i).data()).as("kernel segment %d bytes", i).isEqualTo(k.get(i).data());
            }
        }

        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void sizesAreEqualApartFromThePurgatory(String profile, boolean crash) {
            Pair p = Pair.of(profile, crash);
            for (String role : List.of(LoadedSegment.INITRD, CMDLINE, BOOT_PARAM, LOADED_SEGMENTS)) {
                assertThat(p.handoff().require(role).bufsz()).as(role + " bufsz").isEqualTo(p.kexec().require(role).bufsz());
                assertThat(p.handoff().require(role).memsz()).as(role + " memsz").isEqualTo(p.kexec().require(role).memsz());
            }
            // DIFFERENCES.md item 5: handoff's memory-map buffer has room for two more descriptors (of up to 128
            // bytes) per loaded segment, which the patch adds; kexec-tools' has the map's size + 1
            long entries = p.kexec().require(LOADED_SEGMENTS).bufsz() / 16;
            assertThat(p.handoff().require(EFI_MEMMAP).bufsz()).as("efi-memmap bufsz")
                    .isEqualTo(p.kexec().require(EFI_MEMMAP).bufsz() + 2 * entries * 128);
            if (crash) {
                assertThat(p.handoff().require(LoadedSegment.ELFCOREHDR).bufsz())
                        .isEqualTo(p.kexec().require(LoadedSegment.ELFCOREHDR).bufsz());
            }
            assertThat(p.handoff().require(LoadedSegment.INITRD).data()).isEqualTo(p.kexec().require(LoadedSegment.INITRD).data());
        }

        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void everyHandoffSegmentIs16KiBAligned(String profile, boolean crash) {
            for (LoadedSegment s : Pair.of(profile, crash).handoff().segments()) {
                assertThat(s.mem() % PAGE_SIZE).as("%s mem", s).isZero();
                assertThat(s.memsz() % PAGE_SIZE).as("%s memsz", s).isZero();
            }
        }

        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void flagsAreEqualAndEachLoaderEntersItsOwnPurgatory(String profile, boolean crash) {
            Pair p = Pair.of(profile, crash);
            assertThat(p.handoff().flags()).isEqualTo(p.kexec().flags());
            assertThat(p.kexec().require(LoadedSegment.PURGATORY).contains(p.kexec().entry())).isTrue();
            assertThat(p.handoff().require(LoadedSegment.PURGATORY).contains(p.handoff().entry())).isTrue();
            assertThat(p.handoff().require(LoadedSegment.PURGATORY).end())
                    .as("both purgatories are the first buffer placed: the top of the same hole")
                    .isEqualTo(p.kexec().require(LoadedSegment.PURGATORY).end());
        }
    }

    @Nested
    class ElfCoreHeader {
        @ParameterizedTest(name = "{0}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#profiles")
        void theElfHeaderIsEqualFieldByField(String profile) {
            Pair p = Pair.of(profile, true);
            assertThat(Ehdr.of(p.handoff().require(LoadedSegment.ELFCOREHDR).data()))
                    .isEqualTo(Ehdr.of(p.kexec().require(LoadedSegment.ELFCOREHDR).data()));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#profiles")
        void everyProgramHeaderIsEqualFieldByField(String profile) {
            Pair p = Pair.of(profile, true);
            List<Phdr> h = Phdr.all(p.handoff().require(LoadedSegment.ELFCOREHDR).data());
            List<Phdr> k = Phdr.all(p.kexec().require(LoadedSegment.ELFCOREHDR).data());
            assertThat(h).hasSameSizeAs(k);
            for (int i = 0; i < k.size(); i++) {
                assertThat(h.get(i)).as("program header %d", i).isEqualTo(k.get(i));
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#profiles")
        void theWholeBufferIsEqualByteForByte(String profile) {
            // the header holds no address of a placed segment, so nothing needs masking
            Pair p = Pair.of(profile, true);
            assertThat(p.handoff().require(LoadedSegment.ELFCOREHDR).data())
                    .isEqualTo(p.kexec().require(LoadedSegment.ELFCOREHDR).data());
        }
    }

    @Nested
    class CommandLine {
        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void theTextIsEqualApartFromEachLoadersElfcorehdrAddress(String profile, boolean crash) {
            Pair p = Pair.of(profile, crash);
            String h = Ia64KexecToolsRun.commandLine(p.handoff().require(CMDLINE).data()).orElseThrow(
                    () -> new AssertionError("handoff's cmdline segment is not text, a NUL and padding to 16 bytes"));
            String k = Ia64KexecToolsRun.commandLine(p.kexec().require(CMDLINE).data()).orElseThrow();
            if (crash) {
                assertThat(elfcorehdrK(h)).isEqualTo(p.handoff().require(LoadedSegment.ELFCOREHDR).mem() / 1024);
                assertThat(elfcorehdrK(k)).isEqualTo(p.kexec().require(LoadedSegment.ELFCOREHDR).mem() / 1024);
            }
            assertThat(normalise(h)).isEqualTo(normalise(k));
            assertThat(p.plan().commandLine()).isEqualTo(h);
        }
    }

    @Nested
    class LoadedSegmentsTable {
        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void theTableIsEqualApartFromEachLoadersElfCoreHeaderEntry(String profile, boolean crash) {
            Pair p = Pair.of(profile, crash);
            assertThat(tableWithoutOwnElfCoreHeader(p.handoff())).containsExactlyElementsOf(tableWithoutOwnElfCoreHeader(p.kexec()));
            assertThat(p.handoff().require(LOADED_SEGMENTS).data().length)
                    .isEqualTo(p.kexec().require(LOADED_SEGMENTS).data().length);
        }

        // The entries as strings, the ELF core header's (asserted to be the loader's own segment) as a placeholder.
        private List<String> tableWithoutOwnElfCoreHeader(CapturedLoad load) {
            List<String> out = new ArrayList<>();
            LoadedSegment h = load.find(LoadedSegment.ELFCOREHDR).orElse(null);
            int own = 0;
            for (long[] e : Ia64KexecToolsRun.loadedSegments(load.require(LOADED_SEGMENTS).data())) {
                if (h != null && e[0] == h.mem()) {
                    assertThat(e[1]).as(load.source() + ": elfcorehdr entry end").isEqualTo(h.mem() + h.bufsz());
                    out.add("elfcorehdr");
                    own++;
                } else {
                    out.add(String.format("%#x-%#x", e[0], e[1]));
                }
            }
            assertThat(own).as(load.source() + ": entries for its ELF core header").isEqualTo(h == null ? 0 : 1);
            return out;
        }
    }

    @Nested
    class Placement {
        @ParameterizedTest(name = "{0} kdump={1}")
        @MethodSource("io.handoff.it.kexec.Ia64DifferentialTests#cases")
        void buffersBelowThePurgatoryFollowKexecToolsRulesWithEachLoadersSizes(String profile, boolean crash) throws IOException {
            Pair p = Pair.of(profile, crash);
            // the model must first reproduce kexec-tools' addresses, then predict handoff's from handoff's sizes
            assertThat(modelAddresses(profile, crash, p.kexec())).isEqualTo(addresses(p.kexec()));
            assertThat(modelAddresses(profile, crash, p.handoff())).isEqualTo(addresses(p.handoff()));
        }
    }

    @Nested
    class MissingAppend {
        @Test
        void handoffPlansAKdumpLoadWithoutAppendWhereKexecToolsCrashes() {
            String profile = profiles().get(0);
            requireIa64Plugin();
            HandoffPlanRun.Outcome o = HandoffPlanRun.execute(PLATFORM, profile(profile), kernel(),
                    ReferenceInputs.initrd(), null, true, List.of(),
                    ReferenceInputs.work().resolve("ia64-handoff-no-append"));
            assertThat(o.exitStatus()).as(o.output()).isZero();
            HandoffPlanRun plan = HandoffPlanRun.read(ReferenceInputs.work().resolve("ia64-handoff-no-append"));
            String cmdline = Ia64KexecToolsRun.commandLine(plan.load().require(CMDLINE).data()).orElseThrow();
            assertThat(elfcorehdrK(cmdline)).isEqualTo(plan.load().require(LoadedSegment.ELFCOREHDR).mem() / 1024);
            assertThat(cmdline).startsWith("elfcorehdr=").contains(" max_addr=").contains(" min_addr=");
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    static long elfcorehdrK(String cmdline) {
        Matcher m = ELFCOREHDR.matcher(cmdline);
        assertThat(m.find()).as("elfcorehdr= in '%s'", cmdline).isTrue();
        long k = Long.parseLong(m.group(1));
        assertThat(m.find()).as("a second elfcorehdr= in '%s'", cmdline).isFalse();
        return k;
    }

    static String normalise(String cmdline) {
        return ELFCOREHDR.matcher(cmdline).replaceAll(" elfcorehdr=<own>K");
    }

    /** Role → address of every buffer (kernel segments by index). */
    static Map<String, Long> addresses(CapturedLoad load) {
        Map<String, Long> out = new LinkedHashMap<>();
        int kernelIndex = 0;
        for (LoadedSegment s : load.segments().stream().sorted(Comparator.comparingLong(LoadedSegment::mem)).toList()) {
            out.put(s.role().equals(LoadedSegment.KERNEL) ? "kernel" + kernelIndex++ : s.role(), s.mem());
        }
        return out;
    }

    /**
     * Place a load's buffers with the model, in kexec-tools' call order, with that load's own sizes (and the purgatory
     * alignment: kexec-tools' stub needs 32 bytes, raised to the page, as handoff's is).
     */
    static Map<String, Long> modelAddresses(String profile, boolean crash, CapturedLoad load) throws IOException {
        Ia64PlacementModel m = Ia64PlacementModel.of(profile(profile), crash, PAGE_SIZE);
        Map<String, Long> out = new LinkedHashMap<>();
        int kernelIndex = 0;
        for (LoadedSegment s : load.all(LoadedSegment.KERNEL)) {
            m.fixed(s.mem(), s.memsz());
            out.put("kernel" + kernelIndex++, s.mem());
        }
        List<String> order = new ArrayList<>(List.of(LoadedSegment.PURGATORY));
        if (crash) {
            order.add(LoadedSegment.ELFCOREHDR);
        }
        order.addAll(List.of(LOADED_SEGMENTS, BOOT_PARAM, EFI_MEMMAP, CMDLINE, LoadedSegment.INITRD));
        Map<String, Long> placed = new LinkedHashMap<>();
        for (String role : order) {
            placed.put(role, m.placeTopDown(load.require(role).memsz(), PAGE_SIZE));
        }
        // report in address order, as addresses() does
        placed.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** Where kexec-tools puts the first PT_LOAD: the crash region's start, or unmoved, or the first 64 MiB-aligned RAM. */
    static long expectedKernelBase(String profile, boolean crash, List<long[]> loads) throws IOException {
        Ia64PlacementModel m = Ia64PlacementModel.of(profile(profile), crash, PAGE_SIZE);
        if (crash) {
            return m.memMin();
        }
        long low = loads.stream().mapToLong(l -> l[3]).min().orElseThrow();
        long high = loads.stream().mapToLong(l -> l[3] + l[2]).max().orElseThrow();
        for (Ia64PlacementModel.Range r : m.ranges()) {
            if (r.start() > low) {
                break;
            }
            if (r.type() == Ia64PlacementModel.RAM && r.end() > high) {
                return loads.get(0)[3];
            }
        }
        for (Ia64PlacementModel.Range r : m.ranges()) {
            long start = Ia64PlacementModel.roundUp(r.start(), 64L << 20);
            if (r.type() == Ia64PlacementModel.RAM && r.end() > start && r.end() - start > high - low) {
                return start;
            }
        }
        throw new AssertionError("no RAM for the kernel in " + profile);
    }

    /** The ELF header fields of an ELF64 little-endian buffer. */
    record Ehdr(byte[] ident, int type, int machine, long version, long entry, long phoff, long shoff, long flags,
                int ehsize, int phentsize, int phnum, int shentsize, int shnum, int shstrndx) {
        static Ehdr of(byte[] d) {
            ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
            return new Ehdr(Arrays.copyOf(d, 16), u16(b, 16), u16(b, 18), Integer.toUnsignedLong(b.getInt(20)),
                    b.getLong(24), b.getLong(32), b.getLong(40), Integer.toUnsignedLong(b.getInt(48)), u16(b, 52),
                    u16(b, 54), u16(b, 56), u16(b, 58), u16(b, 60), u16(b, 62));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ehdr e && Arrays.equals(ident, e.ident) && type == e.type && machine == e.machine
                    && version == e.version && entry == e.entry && phoff == e.phoff && shoff == e.shoff
                    && flags == e.flags && ehsize == e.ehsize && phentsize == e.phentsize && phnum == e.phnum
                    && shentsize == e.shentsize && shnum == e.shnum && shstrndx == e.shstrndx;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ident) * 31 + phnum;
        }

        @Override
        public String toString() {
            return String.format("Ehdr[ident=%s type=%d machine=%d version=%d entry=%#x phoff=%d shoff=%d flags=%#x "
                    + "ehsize=%d phentsize=%d phnum=%d shentsize=%d shnum=%d shstrndx=%d]", Arrays.toString(ident), type,
                    machine, version, entry, phoff, shoff, flags, ehsize, phentsize, phnum, shentsize, shnum, shstrndx);
        }

        private static int u16(ByteBuffer b, int at) {
            return Short.toUnsignedInt(b.getShort(at));
        }
    }

    /** One ELF64 program header. */
    record Phdr(int type, int flags, long offset, long vaddr, long paddr, long filesz, long memsz, long align) {
        static List<Phdr> all(byte[] d) {
            ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
            int phoff = (int) b.getLong(32);
            int phnum = Short.toUnsignedInt(b.getShort(56));
            List<Phdr> out = new ArrayList<>();
            for (int i = 0; i < phnum; i++) {
                int at = phoff + 56 * i;
                out.add(new Phdr(b.getInt(at), b.getInt(at + 4), b.getLong(at + 8), b.getLong(at + 16),
                        b.getLong(at + 24), b.getLong(at + 32), b.getLong(at + 40), b.getLong(at + 48)));
            }
            return out;
        }

        @Override
        public String toString() {
            return String.format("Phdr[%s flags=%#x offset=%#x vaddr=%#x paddr=%#x filesz=%#x memsz=%#x align=%d]",
                    type == 1 ? "LOAD" : type == 4 ? "NOTE" : String.valueOf(type), flags, offset, vaddr, paddr, filesz,
                    memsz, align);
        }
    }

    /**
     * The ELF core header kexec-tools builds for a profile, computed from the profile alone: a PT_NOTE per CPU
     * ({@code cpuN/crash_notes}, size {@code crash_notes_size} or 1024), the vmcoreinfo PT_NOTE, a PT_LOAD of
     * {@code Kernel code}, then a PT_LOAD per {@code System RAM} line with the crash region cut out (inclusive ends,
     * no coalescing); {@code Uncached RAM} lines get no header but count in the buffer size.
     */
    record ExpectedCore(List<Phdr> phdrs, long bufferSize) {
        static ExpectedCore of(Path profile) throws IOException {
            List<Phdr> out = new ArrayList<>();
            int cpus = 0;
            while (Files.isDirectory(profile.resolve("sys/devices/system/cpu/cpu" + cpus))) {
                cpus++;
            }
            for (int c = 0; c < cpus; c++) {
                Path dir = profile.resolve("sys/devices/system/cpu/cpu" + c);
                long addr = Long.parseUnsignedLong(Files.readString(dir.resolve("crash_notes")).trim(), 16);
                long size = Files.exists(dir.resolve("crash_notes_size"))
                        ? Long.parseLong(Files.readString(dir.resolve("crash_notes_size")).trim()) : DEFAULT_NOTE_SIZE;
                out.add(new Phdr(4, 0, addr, 0, addr, size, size, 0));
            }
            String[] vmcoreinfo = Files.readString(profile.resolve("sys/kernel/vmcoreinfo")).trim().split("\\s+");
            long viAddr = Long.parseUnsignedLong(vmcoreinfo[0].replaceFirst("^0x", ""), 16);
            long viSize = Long.parseUnsignedLong(vmcoreinfo[1], 16);
            out.add(new Phdr(4, 0, viAddr, 0, viAddr, viSize, viSize, 0));
            List<long[]> ranges = new ArrayList<>(); // {start, inclusive end, 1 = RAM / 0 = uncached}
            long[] crash = null;
            long[] code = null;
            Pattern line = Pattern.compile("\\s*([0-9a-f]+)-([0-9a-f]+) : (.*)");
            for (String l : Files.readAllLines(profile.resolve("proc/iomem"), StandardCharsets.US_ASCII)) {
                Matcher m = line.matcher(l);
                if (!m.matches()) {
                    continue;
                }
                long s = Long.parseUnsignedLong(m.group(1), 16);
                long e = Long.parseUnsignedLong(m.group(2), 16);
                switch (m.group(3)) {
                    case "System RAM" -> ranges.add(new long[] {s, e, 1});
                    case "Uncached RAM" -> ranges.add(new long[] {s, e, 0});
                    case "Crash kernel" -> crash = new long[] {s, e};
                    case "Kernel code" -> code = new long[] {s, e};
                    default -> { }
                }
            }
            assertThat(crash).as("a Crash kernel line in " + profile).isNotNull();
            assertThat(code).as("a Kernel code line in " + profile).isNotNull();
            List<long[]> cut = new ArrayList<>();
            for (long[] r : ranges) {
                if (crash[0] < r[1] && crash[1] > r[0]) {
                    if (crash[0] != r[0] && crash[1] != r[1]) {
                        cut.add(new long[] {r[0], crash[0] - 1, r[2]});
                        cut.add(new long[] {crash[1] + 1, r[1], 1});
                    } else if (crash[0] != r[0]) {
                        cut.add(new long[] {r[0], crash[0] - 1, r[2]});
                    } else {
                        cut.add(new long[] {crash[1] + 1, r[1], r[2]});
                    }
                } else {
                    cut.add(r);
                }
            }
            long mstart = code[0];
            for (long[] r : cut) {
                if (code[0] >= r[0] && code[0] < r[1]) {
                    mstart = r[0];
                    break;
                }
            }
            long codeSize = code[1] - code[0] + 1;
            out.add(new Phdr(1, 7, code[0], mstart + KERNEL_START - code[0], code[0], codeSize, codeSize, 0));
            for (long[] r : cut) {
                if (r[2] == 1) {
                    out.add(new Phdr(1, 7, r[0], r[0] + PAGE_OFFSET, r[0], r[1] - r[0] + 1, r[1] - r[0] + 1, 0));
                }
            }
            long size = 64 + 56L * (cpus + 1 + 1 + cut.size());
            return new ExpectedCore(out, Ia64PlacementModel.roundUp(size, 4096));
        }
    }
}
