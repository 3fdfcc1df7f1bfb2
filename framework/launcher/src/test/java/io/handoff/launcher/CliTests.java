package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.core.testing.Fixtures;
import io.handoff.core.testing.PluginJarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CLI as a user meets it: commands, bundles, and one exit code per kind of bad input.
 */
class CliTests {
    /** A toy platform plugin: kernels must start with "TOY!", command lines are limited to 64 bytes. */
    static final String TOY = """
            package com.example.toy;

            import io.handoff.api.FailureKind;
            import io.handoff.api.HandoffException;
            import io.handoff.api.ImageFormat;
            import io.handoff.api.SyscallNumbers;
            import io.handoff.api.machine.SystemView;
            import io.handoff.api.plan.*;
            import io.handoff.api.spi.Platform;
            import java.io.IOException;
            import java.io.InputStream;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.List;
            import java.util.Map;
            import java.util.Optional;
            import java.util.Set;

            public class ToyPlatform implements Platform {
                public String id() { return "toy"; }
                public boolean detect(SystemView view) { return view.exists("/proc/iomem"); }
                public List<ImageFormat> imageFormats() { return List.of(new ImageFormat("toy", "TOY! images")); }
                public int elfMachine() { return 62; }
                // the toy claims x86_64 hosts, with their syscall numbers, so that load, unload and exec reach the kernel
                public Set<String> hostArchitectures() { return Set.of("amd64", "x86_64"); }
                public Optional<SyscallNumbers> syscallNumbers() { return Optional.of(new SyscallNumbers(246, 320, 169)); }
                public List<String> captureFiles() { return List.of("/sys/firmware/toy"); }
                public PlatformPlan plan(PlanContext ctx) {
                    PlanRequest r = ctx.request();
                    try (InputStream in = Files.newInputStream(r.kernel())) {
                        if (!new String(in.readNBytes(4)).equals("TOY!")) {
                            throw new HandoffException(FailureKind.UNSUPPORTED_IMAGE, r.kernel() + ": not a TOY! image");
                        }
                    } catch (IOException e) {
                        throw new HandoffException(FailureKind.UNREADABLE_FILE, r.kernel() + ": " + e.getMessage());
                    }
                    if (r.commandLine().length() > ctx.settings().getInt("cmdline-max")) {
                        throw new HandoffException(FailureKind.COMMAND_LINE_TOO_LONG, "command line too long");
                    }
                    Segment k = ctx.place("kernel", new SegmentData.FileSlice(r.kernel(), 0, size(r.kernel())),
                            size(r.kernel()), new Placement(1 << 20, 1 << 20, Long.MAX_VALUE, Direction.TOP_DOWN));
                    r.initrd().ifPresent(i -> ctx.place("initrd", new SegmentData.FileSlice(i, 0, size(i)), size(i),
                            new Placement(4096, 16 << 20, Long.MAX_VALUE, Direction.TOP_DOWN)));
                    return new PlatformPlan(k.mem(), Map.of("pc", k.mem()), r.commandLine(), Map.of(), List.of());
                }
                private static long size(Path p) {
                    try { return Files.size(p); } catch (IOException e) { throw new IllegalStateException(e); }
                }
            }
            """;

    /** A platform with port I/O (last words apply) that plans nothing useful. */
    static final String PORTY = """
            package com.example.porty;

            import io.handoff.api.machine.SystemView;
            import io.handoff.api.plan.*;
            import io.handoff.api.spi.Platform;
            import java.util.Set;

            public class PortyPlatform implements Platform {
                public String id() { return "porty"; }
                public boolean detect(SystemView view) { return false; }
                public Set<String> capabilities() { return Set.of("port-io"); }
                public PlatformPlan plan(PlanContext ctx) { throw new UnsupportedOperationException(); }
            }
            """;

    @TempDir
    Path tmp;

    Path plugins;
    Path kernel;
    Path profile;

    @BeforeEach
    void setUp() throws IOException {
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        PluginJarBuilder.plugin("toy").version("1.2.3").provider("Toy Inc.")
                .source("com.example.toy.ToyPlatform", TOY).extension("com.example.toy.ToyPlatform")
                .referenceConf("handoff.platforms.toy { cmdline-max = 64 }").build(plugins);
        kernel = tmp.resolve("toy.img");
        byte[] image = new byte[300_000];
        System.arraycopy("TOY!".getBytes(), 0, image, 0, 4);
        Files.write(kernel, image);
        profile = Fixtures.profile("qemu-pc-x86_64-1g");
    }

    CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** Copy the bundled profile to a directory a test may change. */
    void copyProfile(Path to) {
        Fixtures.copyTree(profile, to);
    }

    String[] plan(String... extra) {
        List<String> a = new ArrayList<>(List.of("plan", "--plugins", plugins.toString(), "--root", profile.toString(),
                "--kernel", kernel.toString(), "--out", tmp.resolve("bundle").toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** handoff estimate: the reservation the load and the capture kernel's run need, against the current one. */
    @Nested
    class Estimate {
        CliRun estimate(Path root, String... extra) {
            List<String> a = new ArrayList<>(List.of("estimate", "--plugins", plugins.toString(), "--root",
                    root.toString(), "--kernel", kernel.toString()));
            a.addAll(List.of(extra));
            return run(a.toArray(String[]::new));
        }

        long field(String json, String name) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\": (\\d+)").matcher(json);
            assertThat(m.find()).as(name).isTrue();
            return Long.parseLong(m.group(1));
        }

        @Test
        void theRecommendationAddsTheLoadTheRuntimeTheBitmapsAndFurtherCpus() {
            CliRun r = estimate(profile, "--json", "--append", "quiet");

            assertThat(r.code()).as(r.err()).isZero();
            String j = r.out();
            long ram = field(j, "ramBytes");
            assertThat(field(j, "bitmapBytes")).isEqualTo(2 * (ram / 4096 / 8));
            assertThat(field(j, "perCpuBytes")).isEqualTo((field(j, "cpus") - 1) << 20);
            long sum = field(j, "loadedBytes") + (64L << 20) + field(j, "bitmapBytes") + field(j, "perCpuBytes");
            assertThat(field(j, "recommendedBytes")).isEqualTo((sum + (16L << 20) - 1) / (16L << 20) * (16L << 20));
            assertThat(field(j, "reservedBytes")).isEqualTo(256L << 20);
            assertThat(j).contains("\"verdict\": \"enough\"", "\"capturesOneCpu\": false");
        }

        @Test
        void nrCpus1DropsTheFurtherCpus() {
            CliRun r = estimate(profile, "--json", "--append", "quiet nr_cpus=1");

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(field(r.out(), "perCpuBytes")).isZero();
        }

        @Test
        void aSmallReservationIsTooSmallAndSaysWhatToAsk() throws IOException {
            Path root = tmp.resolve("small");
            copyProfile(root);
            Path iomem = root.resolve("proc/iomem");
            Files.writeString(iomem, Files.readString(iomem).replace("2e000000-3dffffff : Crash kernel",
                    "3c000000-3dffffff : Crash kernel"));

            CliRun r = estimate(root, "--append", "quiet");

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).containsPattern("current reservation: +32\\.0 MiB, too small by [0-9.]+ MiB:"
                    + " crashkernel=[0-9]+M");
        }

        @Test
        void withoutAReservationItSaysWhatToAdd() throws IOException {
            Path root = tmp.resolve("none");
            copyProfile(root);
            Path iomem = root.resolve("proc/iomem");
            Files.writeString(iomem, Files.readString(iomem).replace("  2e000000-3dffffff : Crash kernel\n", ""));

            CliRun r = estimate(root, "--json", "--append", "quiet");

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("\"verdict\": \"none\"", "\"reservedBytes\": 0");
        }
    }

    /** What {@code handoff.load} gives a plan or load whose command line leaves it unsaid (a boot-time service). */
    @Nested
    class ConfiguredDefaults {
        Path config;

        @BeforeEach
        void write() throws IOException {
            Path initrd = Files.write(tmp.resolve("initrd.img"), new byte[4096]);
            config = Files.writeString(tmp.resolve("handoff.conf"), String.format("""
                    handoff.load {
                      kernel = "%s"
                      initrd = "%s"
                      command-line = "console=ttyS0"
                      crash-append = "nr_cpus=1"
                    }
                    """, kernel, initrd));
        }

        CliRun planWith(String... extra) {
            List<String> a = new ArrayList<>(List.of("plan", "--plugins", plugins.toString(), "--root",
                    profile.toString(), "--out", tmp.resolve("bundle").toString(), "--config", config.toString()));
            a.addAll(List.of(extra));
            return run(a.toArray(String[]::new));
        }

        @Test
        void aKdumpTakesKernelInitrdAndCommandLineWithTheCrashAdditions() throws IOException {
            CliRun r = planWith("--crash");

            assertThat(r.code()).as(r.err()).isZero();
            String text = Files.readString(tmp.resolve("bundle/plan.txt"));
            assertThat(text).contains("command line: console=ttyS0 nr_cpus=1", kernel.toString(),
                    tmp.resolve("initrd.img").toString());
        }

        @Test
        void aRebootLoadLeavesTheCrashAdditionsOut() throws IOException {
            assertThat(planWith().code()).isZero();
            assertThat(Files.readString(tmp.resolve("bundle/plan.txt"))).contains("command line: console=ttyS0\n");
        }

        @Test
        void anOptionGivenWins() throws IOException {
            assertThat(planWith("--crash", "--append", "quiet").code()).isZero();
            assertThat(Files.readString(tmp.resolve("bundle/plan.txt"))).contains("command line: quiet\n");
        }

        @Test
        void kdumpToolsSettingsReplaceTheConfiguredOnes() throws IOException {
            Path initrd = Files.write(tmp.resolve("kt-initrd.img"), new byte[8192]);
            Path settings = Files.writeString(tmp.resolve("kdump-tools"), String.format("""
                    # Debian's /etc/default/kdump-tools, as kdump-config reads it
                    USE_KDUMP=1
                    export KDUMP_KERNEL=%s
                    KDUMP_INITRD="%s"
                    KDUMP_CMDLINE='root=/dev/vda'
                    KDUMP_CMDLINE_APPEND="nr_cpus=1 irqpoll"   # the capture additions
                    """, kernel, initrd));
            Files.writeString(config, "handoff.load.kernel = /nonexistent%n".formatted(), StandardOpenOption.APPEND);

            CliRun r = planWith("--crash", "--from", "kdump-tools=" + settings);

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Files.readString(tmp.resolve("bundle/plan.txt")))
                    .contains("command line: root=/dev/vda nr_cpus=1 irqpoll\n", initrd.toString());
        }

        @Test
        void aKdumpToolsValueThatNeedsTheShellIsRefusedByLine() throws IOException {
            Path settings = Files.writeString(tmp.resolve("kdump-tools"), "USE_KDUMP=1\nKDUMP_KERNEL=/boot/vmlinuz-$(uname -r)\n");

            CliRun r = planWith("--crash", "--from", "kdump-tools=" + settings);

            assertThat(r.code()).isEqualTo(11);
            assertThat(r.err()).isEqualTo("handoff: " + settings + ":2: KDUMP_KERNEL needs the shell"
                    + " (/boot/vmlinuz-$(uname -r)); write the value out or use handoff.conf" + System.lineSeparator());
        }

        @Test
        void reuseCmdlineDropsCrashkernel() throws IOException {
            Files.writeString(config, "handoff.load.reuse-cmdline = true%n".formatted(), StandardOpenOption.APPEND);
            Path root = tmp.resolve("machine");
            copyProfile(root);
            Files.writeString(root.resolve("proc/cmdline"), "ro crashkernel=256M quiet\n");
            List<String> a = List.of("plan", "--plugins", plugins.toString(), "--root", root.toString(), "--out",
                    tmp.resolve("bundle").toString(), "--config", config.toString(), "--crash");
            CliRun r = run(a.toArray(String[]::new));

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Files.readString(tmp.resolve("bundle/plan.txt"))).contains("command line: ro quiet nr_cpus=1\n");
        }
    }

    @Nested
    class Platforms {
        @Test
        void jsonHasTheSameFieldsAsTheText() {
            CliRun r = run("platforms", "--json", "--plugins", plugins.toString());

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("{\n  \"schema\": \"handoff-platforms/1\",")
                    .contains("\"id\": \"toy\"", "\"version\": \"1.2.3\"", "\"provider\": \"Toy Inc.\"",
                            "\"imageFormats\": [\n        \"toy\"");
        }

        @Test
        void listsTheToyPlatformWithItsPluginAndFormats() {
            CliRun r = run("platforms", "--plugins", plugins.toString());
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("toy  1.2.3  (plugin toy, provider Toy Inc.)", "image formats:   toy",
                    "purgatory steps: none yet");
        }

        @Test
        void listsWhereEachPlatformRunsItsProfilesKernelAndCaptureFiles() throws IOException {
            PluginJarBuilder.plugin("porty").source("com.example.porty.PortyPlatform", PORTY)
                    .extension("com.example.porty.PortyPlatform").build(plugins);
            CliRun r = run("platforms", "--plugins", plugins.toString());
            assertThat(r.code()).as(r.err()).isZero();
            String toy = r.out().substring(r.out().indexOf("toy  1.2.3"));
            assertThat(toy).contains("  host (os.arch):  amd64, x86_64", "  profiles:        none",
                    "  Debian kernel:   none", "  capture adds:    /sys/firmware/toy");
            String porty = r.out().substring(r.out().indexOf("porty  "), r.out().indexOf("toy  1.2.3"));
            assertThat(porty).contains("  host (os.arch):  none", "  capture adds:    nothing");
        }

        @Test
        void aPlatformWithoutPortIoCannotSayLastWords() {
            CliRun r = run("platforms", "--plugins", plugins.toString());
            assertThat(r.out()).contains("  last words: unavailable (no port I/O)");
        }

        @Test
        void aPlatformWithPortIoListsTheLastWordsAndWhatTheOptionsEnable() throws IOException {
            PluginJarBuilder.plugin("porty").source("com.example.porty.PortyPlatform", PORTY)
                    .extension("com.example.porty.PortyPlatform").build(plugins);
            CliRun r = run("platforms", "--plugins", plugins.toString(), "--watchdog", "start:120", "--cpu-ip", "sel",
                    "--ipmi-kcs-ports", "0xca8,0xca9", "--ipmi-deadline", "3s");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("  last words: rtc, ipmi panic event, ipmi panic text, cpu-ip-records, "
                    + "ipmi watchdog; enabled: cpu-ip to SEL, watchdog start:120 (hard-reset) (KCS at 0xca8/0xca9, "
                    + "deadline 3 s)");
            assertThat(run("platforms", "--plugins", plugins.toString()).out())
                    .contains("; enabled: nothing (--panic-event, --cpu-ip, --watchdog)");
        }

        @Test
        void aBrokenPluginIsReportedAndTheOthersStillWork() throws IOException {
            PluginJarBuilder.corruptJar(plugins, "broken.jar");
            CliRun r = run("platforms", "--plugins", plugins.toString());
            assertThat(r.code()).isZero();
            assertThat(r.out()).contains("toy  1.2.3");
            assertThat(r.err()).contains("handoff: plugin broken").contains("broken.jar");
        }
    }

    @Nested
    class Plan {
        @Test
        void writesABundleAndPrintsThePlan() {
            CliRun r = run(plan("--crash", "--append", "console=ttyS0"));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("handoff plan: toy, kdump", "crash region: 0x2e000000-0x3dffffff",
                    "command line: console=ttyS0", "memory map:", "memory-map.svg");
            assertThat(tmp.resolve("bundle/manifest.json")).exists();
            assertThat(tmp.resolve("bundle/segments/00-kernel.bin")).hasSize(300_000);
        }

        @Test
        void jsonPrintsTheManifest() {
            CliRun r = run(plan("--json"));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("{").contains("\"platform\": \"toy\"", "\"mode\": \"kexec\"");
        }

        @Test
        void theOnlyDetectingPlatformIsChosenWithoutPlatformOption() {
            CliRun r = run(plan());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("handoff plan: toy, kexec");
        }

        @Test
        void reuseCmdlineTakesTheProfilesCommandLine() {
            CliRun r = run(plan("--reuse-cmdline"));
            assertThat(r.out()).contains("command line: console=ttyS0 crashkernel=256M panic=-1 probe.mode=capture");
        }

        @Test
        void capturedProfileReplansIdentically() throws IOException {
            Path captured = tmp.resolve("captured");
            CliRun c = run("capture", captured.toString(), "--plugins", plugins.toString(), "--root", profile.toString());
            assertThat(c.code()).as(c.err()).isZero();
            assertThat(c.out()).contains("/proc/iomem", "/sys/devices/system/cpu/cpu1/crash_notes");
            CliRun a = run(plan("--crash"));
            String first = Files.readString(tmp.resolve("bundle/manifest.json"));
            CliRun b = run("plan", "--plugins", plugins.toString(), "--root", captured.toString(), "--kernel",
                    kernel.toString(), "--out", tmp.resolve("bundle").toString(), "--crash");
            assertThat(a.code()).isZero();
            assertThat(b.code()).isZero();
            assertThat(Files.readString(tmp.resolve("bundle/manifest.json"))).isEqualTo(first);
        }
    }

    @Nested
    class Capture {
        Path machine;

        @BeforeEach
        void machineWithTheToysFirmwareTree() throws IOException {
            machine = tmp.resolve("machine");
            Files.createDirectories(machine.resolve("proc"));
            Files.writeString(machine.resolve("proc/cmdline"), "quiet\n");
            Files.createDirectories(machine.resolve("sys/firmware/toy/slot0"));
            Files.writeString(machine.resolve("sys/firmware/toy/slot0/state"), "armed\n");
            Files.createDirectories(machine.resolve("sys/firmware/other"));
            Files.writeString(machine.resolve("sys/firmware/other/state"), "not asked for\n");
        }

        @Test
        void copiesTheFilesTheLoadedPlatformsAskFor() {
            Path captured = tmp.resolve("captured");
            CliRun r = run("capture", captured.toString(), "--plugins", plugins.toString(), "--root", machine.toString());

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("captured 2 files", "  /proc/cmdline", "  /sys/firmware/toy/slot0/state");
            assertThat(captured.resolve("sys/firmware/toy/slot0/state")).hasContent("armed");
            assertThat(captured.resolve("sys/firmware/other")).doesNotExist();
        }

        @Test
        void jsonListsTheCapturedFiles() {
            Path captured = tmp.resolve("captured");
            CliRun r = run("capture", captured.toString(), "--plugins", plugins.toString(), "--root", machine.toString(),
                    "--json");

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out().strip()).isEqualTo("{\n  \"schema\": \"handoff-capture/1\",\n  \"root\": \"" + machine
                    + "\",\n  \"profile\": \"" + captured + "\",\n  \"files\": [\n    \"/proc/cmdline\",\n"
                    + "    \"/sys/firmware/toy/slot0/state\"\n  ]\n}");
        }

        @Test
        void withoutThePlatformItsFilesAreNotCopied() throws IOException {
            Path others = Files.createDirectories(tmp.resolve("others"));
            PluginJarBuilder.plugin("porty").source("com.example.porty.PortyPlatform", PORTY)
                    .extension("com.example.porty.PortyPlatform").build(others);
            Path captured = tmp.resolve("captured");
            CliRun r = run("capture", captured.toString(), "--plugins", others.toString(), "--root", machine.toString());

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("captured 1 files");
            assertThat(captured.resolve("sys/firmware/toy")).doesNotExist();
        }
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("unknown option", 2, List.of("--frobnicate"), "Unknown option"),
                Arguments.of("missing kernel file", 3, List.of("--kernel", "/nonexistent/vmlinuz"),
                        "/nonexistent/vmlinuz: cannot read the kernel (no such file)"),
                Arguments.of("malformed iomem", 4, List.of("--root", "@malformed"), "/proc/iomem line 2"),
                Arguments.of("no crash region", 5, List.of("--crash", "--root", "@nocrash"), "no \"Crash kernel\" region"),
                Arguments.of("initrd does not fit", 6, List.of("--crash", "--initrd", "@hugeinitrd"),
                        "initrd: no free hole of 300 MiB"),
                Arguments.of("not the platform's image", 7, List.of("--kernel", "@notoy"), "not a TOY! image"),
                Arguments.of("command line too long", 8, List.of("--append", "x".repeat(65)), "command line too long"),
                Arguments.of("unknown platform", 9, List.of("--platform", "vax"), "unknown platform 'vax'"),
                Arguments.of("invalid configuration", 11, List.of("--platform", "toy", "-D", "handoff.platforms.toy.cmdline-max=lots"),
                        "handoff.platforms.toy.cmdline-max"),
                Arguments.of("output not writable", 12, List.of("--out", "@file"), "exists and is not a directory"),
                Arguments.of("one KCS port", 11, List.of("--ipmi-kcs-ports", "0xCA2"),
                        "--ipmi-kcs-ports: '0xCA2': expected two I/O ports DATA,STATUS such as 0xCA2,0xCA3"),
                Arguments.of("a timeout without a unit", 11, List.of("--ipmi-timeout", "5"),
                        "--ipmi-timeout: '5' is not a duration; expected a number and a unit such as 5s"),
                Arguments.of("a timeout over a minute", 11, List.of("--ipmi-timeout", "61s"),
                        "--ipmi-timeout: 61000 ms is outside 1 ms .. 60 s"),
                Arguments.of("retries that are no number", 11, List.of("--ipmi-retries", "many"),
                        "--ipmi-retries: 'many' is not a number 0..10"),
                Arguments.of("too many retries", 11, List.of("--ipmi-retries", "11"), "--ipmi-retries: 11 is outside 0..10"),
                Arguments.of("a zero deadline", 11, List.of("--ipmi-deadline", "0s"),
                        "--ipmi-deadline: 0 ms is outside 1 ms .. 600 s"),
                Arguments.of("a watchdog of 0 s", 11, List.of("--watchdog", "start:0"),
                        "--watchdog: 'start:0': watchdog seconds must be 1..6553"),
                Arguments.of("an unknown watchdog choice", 11, List.of("--watchdog", "reboot"),
                        "--watchdog: 'reboot' is not a watchdog choice"),
                Arguments.of("an unknown cpu-ip output", 11, List.of("--cpu-ip", "console,disk"),
                        "--cpu-ip: 'console,disk': 'disk' is not a cpu-ip output"));
    }

    @ParameterizedTest(name = "{0} exits {1}")
    @MethodSource("badInput")
    void badInputGetsOneLineAndItsExitCode(String what, int code, List<String> extra, String message) throws IOException {
        // later options win in picocli for single-valued options, so overrides are simply appended
        List<String> args = new ArrayList<>(List.of(plan()));
        for (String v : extra) {
            args.add(v.startsWith("@") ? materialise(v.substring(1)).toString() : v);
        }
        CliRun r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        assertThat(r.err()).contains(message).startsWith("handoff: ");
        assertThat(r.err().lines().filter(l -> l.startsWith("handoff: ")).count()).isEqualTo(1);
        assertThat(tmp.resolve("bundle")).doesNotExist();
    }

    /** What commands say on standard error besides errors, and --quiet. */
    @Nested
    class Notes {
        CliRun planWithTheProfilesKernel(String... extra) throws IOException {
            Path root = tmp.resolve("with-kernel");
            copyProfile(root);
            Files.createDirectories(root.resolve("boot"));
            Files.copy(kernel, root.resolve("boot/vmlinuz-1.0-toy"));
            List<String> a = new ArrayList<>(List.of("plan", "--plugins", plugins.toString(), "--platform", "toy",
                    "--root", root.toString(), "--out", tmp.resolve("out").toString()));
            a.addAll(List.of(extra));
            return run(a.toArray(String[]::new));
        }

        @Test
        void aKernelTakenFromTheProfileIsNamed() throws IOException {
            CliRun r = planWithTheProfilesKernel();

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).contains("handoff: no --kernel given; using the kernel bundled with profile with-kernel: ")
                    .contains("boot/vmlinuz-1.0-toy");
        }

        @ParameterizedTest
        @CsvSource({"-q", "--quiet"})
        void quietSaysNothingButStillPlans(String quiet) throws IOException {
            CliRun r = planWithTheProfilesKernel(quiet);

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).isEmpty();
            assertThat(tmp.resolve("out/manifest.json")).content().contains("vmlinuz-1.0-toy");
        }
    }

    @Nested
    class Matrix {
        @Test
        void aPlatformThatCannotRunFailsEachOfItsRunsWithTheReasonAndExits16() {
            Path report = tmp.resolve("report");

            CliRun r = run("matrix", "--plugins", plugins.toString(), "--root", "toy=" + profile, "--kernel",
                    "toy=" + kernel, "--report", report.toString());

            assertThat(r.code()).as(r.err()).isEqualTo(16);
            // 5 healthy + 4 + 4 + 2, none runs: the toy links no purgatory (so no budget is checked either)
            assertThat(r.out()).contains("toy      healthy                    kdump                FAIL   did not run")
                    .contains("    could not run: the plan of toy has no purgatory segment")
                    .contains("15 runs: 0 passed, 15 failed");
            assertThat(report.resolve("junit.xml")).content().contains("tests=\"15\" failures=\"15\"");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "--scenario|reboot|2|--scenario reboot: expected one of kexec-reboot, kdump, corrupted-segment",
            "--condition|sunny|2|--condition sunny: expected one of healthy, rtc-stuck-in-update",
            "--kernel|x86_64=pom.xml|2|--kernel x86_64=…: no platform x86_64 in this run (toy)",
            "--append|a\u0007b|11|--append: the command line holds control character 0x07"})
        void refusesBadOptionsBeforeRunningAnything(String option, String value, int code, String message) {
            CliRun r = run("matrix", "--plugins", plugins.toString(), "--root", "toy=" + profile, option, value,
                    "--report", tmp.resolve("report").toString());

            assertThat(r.code()).isEqualTo(code);
            assertThat(r.err()).contains(message);
            assertThat(r.out()).doesNotContain("PLATFORM");
        }

        @Test
        void aReportPathThatIsAFileIsAnOutputError() throws IOException {
            Path file = Files.writeString(tmp.resolve("taken"), "x");

            CliRun r = run("matrix", "--plugins", plugins.toString(), "--report", file.toString());

            assertThat(r.code()).isEqualTo(12);
            assertThat(r.err()).contains(file + ": cannot create the report directory");
        }
    }

    @Nested
    class Load {
        String[] load(String... extra) {
            List<String> a = new ArrayList<>(List.of("load", "--plugins", plugins.toString(), "--root", profile.toString(),
                    "--kernel", kernel.toString()));
            a.addAll(List.of(extra));
            return a.toArray(String[]::new);
        }

        @Test
        void aPlanWithoutPurgatoryIsNotLoadedAndFileLoadIsSuggested() {
            CliRun r = run(load("--crash", "--bundle", tmp.resolve("b").toString()));

            assertThat(r.code()).as(r.err()).isEqualTo(10);
            assertThat(r.err()).startsWith("handoff: kexec_load: the plan has no purgatory").contains("--file-load");
            assertThat(r.err().lines().count()).isEqualTo(1);
            // the plan was made (and written) before the load was refused
            assertThat(tmp.resolve("b/manifest.json")).exists();
        }

        @Test
        void fileLoadOnThisHostGetsTheKernelsAnswerAsOneLine() {
            HostKexec host = HostKexec.probe();
            CliRun r = run(load("--crash", "--file-load"));

            assertThat(r.code()).as(r.err()).isEqualTo(host.exitCode);
            assertThat(r.err()).isEqualTo(host.fileLoadMessage + System.lineSeparator());
        }

        @Test
        void fileLoadAndAutoExcludeEachOther() {
            CliRun r = run(load("--file-load", "--auto"));

            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("mutually exclusive");
        }
    }

    /** What a real kexec call answers on this host: tests that make one run only where it cannot change anything. */
    record HostKexec(int exitCode, String fileLoadMessage, String unloadMessage) {
        static HostKexec probe() {
            boolean noKexec = !Files.exists(Path.of("/sys/kernel/kexec_loaded"));
            boolean root = "root".equals(System.getProperty("user.name"));
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    List.of("amd64", "x86_64").contains(System.getProperty("os.arch")),
                    "the toy platform claims x86_64 hosts only, with their syscall numbers");
            org.junit.jupiter.api.Assumptions.assumeTrue(noKexec || !root,
                    "root on a kernel with kexec: a real load or unload would change this machine");
            // a user is refused before any syscall; without kexec neither syscall is suggested for the other
            return root
                    ? new HostKexec(10, "handoff: kexec_file_load: the running kernel has no kexec at all"
                            + " (/sys/kernel/kexec_loaded is missing: built without CONFIG_KEXEC and CONFIG_KEXEC_FILE);"
                            + " boot a kernel with kexec (ENOSYS)",
                            "handoff: kexec_load: the running kernel has no kexec at all (/sys/kernel/kexec_loaded is"
                                    + " missing: built without CONFIG_KEXEC and CONFIG_KEXEC_FILE); boot a kernel with"
                                    + " kexec (ENOSYS)")
                    : new HostKexec(13, "handoff: load: needs root (CAP_SYS_BOOT): the kernel refuses kexec to other"
                            + " users (and shows them /proc/iomem without addresses)", "handoff: unload: needs root"
                            + " (CAP_SYS_BOOT): the kernel refuses kexec to other users");
        }
    }

    @Nested
    class UnloadStatusExec {
        @Test
        void unloadOnThisHostGetsTheKernelsAnswerAsOneLine() {
            HostKexec host = HostKexec.probe();
            CliRun r = run("unload", "--crash", "--plugins", plugins.toString());

            assertThat(r.code()).as(r.err()).isEqualTo(host.exitCode);
            assertThat(r.err()).isEqualTo(host.unloadMessage + System.lineSeparator());
        }

        @Test
        void unloadWithoutAPlatformForThisHostSaysWhichAreLoaded() throws IOException {
            Path others = Files.createDirectories(tmp.resolve("others"));
            PluginJarBuilder.plugin("porty").source("com.example.porty.PortyPlatform", PORTY)
                    .extension("com.example.porty.PortyPlatform").build(others);

            CliRun r = run("unload", "--crash", "--plugins", others.toString());

            assertThat(r.code()).isEqualTo(10);
            assertThat(r.err()).isEqualTo("handoff: no loaded platform runs natively on this host ("
                    + System.getProperty("os.arch") + "; loaded: porty): install its plugin" + System.lineSeparator());
        }

        @Test
        void statusShowsTheReservationLockdownAndTheSyscallALoadWouldUse() throws IOException {
            Path root = tmp.resolve("locked");
            write(root, "sys/kernel/kexec_loaded", "0");
            write(root, "sys/kernel/kexec_crash_loaded", "1");
            write(root, "sys/kernel/kexec_crash_size", "268435456");
            write(root, "sys/kernel/security/lockdown", "none [integrity] confidentiality");
            write(root, "proc/sys/kernel/kexec_load_disabled", "0");

            CliRun r = run("status", "--root", root.toString());

            assertThat(r.code()).isZero();
            assertThat(r.out().lines()).containsExactly(
                    "kexec:               supported",
                    "loaded for exec:     no",
                    "crash kernel loaded: yes",
                    "crash reservation:   268435456 bytes (256 MiB)",
                    "lockdown:            integrity",
                    "kexec_load_disabled: 0",
                    "a load would use:    kexec_file_load, with the kernel's own purgatory (lockdown refuses"
                            + " kexec_load): pass --file-load or --auto",
                    // without plugins nobody can say what a crash assist armed
                    "assists:             unknown (./plugins: plugins directory does not exist)");
        }

        @Test
        void execWithNothingLoadedDoesNotReboot() throws IOException {
            Path root = tmp.resolve("idle");
            write(root, "sys/kernel/kexec_loaded", "0");

            CliRun r = run("exec", "--plugins", plugins.toString(), "--root", root.toString());

            assertThat(r.code()).isEqualTo(10);
            assertThat(r.err()).isEqualTo("handoff: reboot: no kernel is loaded (/sys/kernel/kexec_loaded is 0): run"
                    + " 'handoff load' first (a capture kernel loaded with --crash only runs on panic)"
                    + System.lineSeparator());
        }

        private void write(Path root, String relative, String content) throws IOException {
            Files.createDirectories(root.resolve(relative).getParent());
            Files.writeString(root.resolve(relative), content + "\n");
        }
    }

    @Test
    void loadChecksItsLastWordsOptionsBeforeLoading() {
        CliRun r = run("load", "--crash", "--plugins", plugins.toString(), "--kernel", kernel.toString(),
                "--watchdog", "start:99999");
        assertThat(r.code()).isEqualTo(11);
        assertThat(r.err()).isEqualTo("handoff: --watchdog: 'start:99999': watchdog seconds must be 1..6553 (100 ms "
                + "units in 16 bits)" + System.lineSeparator());
    }

    private Path materialise(String name) throws IOException {
        return switch (name) {
            case "malformed" -> profileWithIomem("malformed", "00001000-0009fbff : System RAM\nthis is not iomem\n");
            case "nocrash" -> profileWithIomem("nocrash", "00001000-0009fbff : System RAM\n00100000-3ffdffff : System RAM\n");
            case "hugeinitrd" -> {
                Path p = tmp.resolve("huge.initrd");
                try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    ch.write(java.nio.ByteBuffer.wrap(new byte[1]), (300L << 20) - 1);
                }
                yield p;
            }
            case "notoy" -> Files.write(tmp.resolve("other.img"), new byte[4096]);
            case "file" -> Files.writeString(tmp.resolve("a-file"), "x");
            default -> throw new IllegalArgumentException(name);
        };
    }

    private Path profileWithIomem(String name, String iomem) throws IOException {
        Path root = tmp.resolve(name);
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/iomem"), iomem);
        return root;
    }
}
