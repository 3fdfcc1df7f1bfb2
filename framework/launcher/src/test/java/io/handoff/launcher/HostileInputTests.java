package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.core.load.Errno;
import io.handoff.core.load.LoadLock;
import io.handoff.core.system.ProfileCapture;
import io.handoff.core.testing.Fixtures;
import io.handoff.core.testing.PluginJarBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real machines and hostile input: every refusal is one line naming the file or option, with its exit code.
 */
class HostileInputTests {
    @TempDir
    Path tmp;

    Path plugins;
    Path kernel;
    Path lockDir;
    RecordingKexec kexec;
    String previousLogDir;

    @BeforeEach
    void setUp() throws IOException {
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        PluginJarBuilder.plugin("toy").version("1.2.3").provider("Toy Inc.")
                .source("com.example.toy.ToyPlatform", CliTests.TOY).extension("com.example.toy.ToyPlatform")
                .referenceConf("handoff.platforms.toy { cmdline-max = 64 }").build(plugins);
        PluginJarBuilder.plugin("porty").source("com.example.porty.PortyPlatform", CliTests.PORTY)
                .extension("com.example.porty.PortyPlatform").build(plugins);
        kernel = tmp.resolve("toy.img");
        byte[] image = new byte[300_000];
        System.arraycopy("TOY!".getBytes(), 0, image, 0, 4);
        Files.write(kernel, image);
        lockDir = tmp.resolve("run");
        kexec = new RecordingKexec();
        HandoffRuntime.useSyscalls(host -> kexec);
        previousLogDir = System.getProperty("handoff.log.dir");
        System.setProperty("handoff.log.dir", tmp.resolve("logs").toString());
    }

    @AfterEach
    void restore() {
        HandoffRuntime.useSyscalls(null);
        if (previousLogDir == null) {
            System.clearProperty("handoff.log.dir");
        } else {
            System.setProperty("handoff.log.dir", previousLogDir);
        }
    }

    CliRun run(String... args) {
        return CliRun.of(args);
    }

    String[] plan(Path root, String... extra) {
        List<String> a = new ArrayList<>(List.of("plan", "--platform", "toy", "--plugins", plugins.toString(),
                "--root", root.toString(), "--kernel", kernel.toString(), "--out", tmp.resolve("bundle").toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    String[] kexecCommand(String command, String... extra) {
        List<String> a = new ArrayList<>(List.of(command, "--plugins", plugins.toString(), "-D",
                "handoff.load.lock-dir=" + lockDir, "-D", "handoff.load.lock-wait=200ms"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** A copy of the bundled QEMU profile that a test may spoil. */
    Path profileCopy() throws IOException {
        Path source = Fixtures.profile("qemu-pc-x86_64-1g");
        Path copy = tmp.resolve("profile");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.toList()) {
                Path to = copy.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return copy;
    }

    static void mkfifo(Path path) throws IOException, InterruptedException {
        Files.deleteIfExists(path);
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }

    @Nested
    class ProfileFiles {
        @Test
        void aFifoIomemIsRefusedByNameInsteadOfHanging() throws Exception {
            Path root = profileCopy();
            mkfifo(root.resolve("proc/iomem"));

            CliRun r = run(plan(root));

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).isEqualTo("handoff: /proc/iomem: is a FIFO, not a regular file, under " + root
                    + "; refused");
        }

        @Test
        void aFifoCmdlineIsRefusedByName() throws Exception {
            Path root = profileCopy();
            mkfifo(root.resolve("proc/cmdline"));

            CliRun r = run(plan(root, "--reuse-cmdline"));

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).isEqualTo("handoff: /proc/cmdline: is a FIFO, not a regular file, under " + root
                    + "; refused");
        }

        @Test
        void anIomemLinkOutOfTheProfileIsRefused() throws IOException {
            Path root = profileCopy();
            Files.delete(root.resolve("proc/iomem"));
            Path outside = Files.writeString(tmp.resolve("elsewhere-iomem"), "00001000-0009fbff : System RAM\n");
            Files.createSymbolicLink(root.resolve("proc/iomem"), outside);

            CliRun r = run(plan(root));

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).isEqualTo("handoff: /proc/iomem: a symbolic link out of the profile root " + root
                    + " (to " + outside.toRealPath() + "); refused");
        }

        @Test
        void anIomemOverTheSizeCapIsMalformed() throws IOException {
            Path root = profileCopy();
            try (RandomAccessFile f = new RandomAccessFile(root.resolve("proc/iomem").toFile(), "rw")) {
                f.setLength((16L << 20) + 1);
            }

            CliRun r = run(plan(root));

            assertThat(r.code()).isEqualTo(4);
            assertThat(r.line()).isEqualTo("handoff: /proc/iomem: larger than 16 MiB under " + root
                    + "; refused (no machine file is that large)");
        }
    }

    @Nested
    class Capture {
        Path machine;

        @BeforeEach
        void machine() throws IOException {
            machine = tmp.resolve("machine");
            Files.createDirectories(machine.resolve("proc"));
            Files.writeString(machine.resolve("proc/cmdline"), "root=/dev/sda1\n");
        }

        CliRun capture(String dir, String root) {
            return run("capture", dir, "--plugins", plugins.toString(), "--root", root);
        }

        @Test
        void itsOwnSourceIsRefusedAndKept() throws IOException {
            CliRun r = capture(machine.toString(), machine.toString());

            assertThat(r.code()).isEqualTo(14);
            assertThat(r.line()).isEqualTo("handoff: " + machine + ": is the root being captured ("
                    + machine.toRealPath() + "); refused: choose another directory");
            assertThat(machine.resolve("proc/cmdline")).hasContent("root=/dev/sda1");
        }

        @Test
        void theLiveRootIntoItselfIsRefused() {
            CliRun r = run("capture", "/", "--plugins", plugins.toString());

            assertThat(r.code()).isEqualTo(14);
            assertThat(r.line()).isEqualTo("handoff: /: is the root being captured (/); refused: choose another directory");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"/proc/self/profile", "/sys/handoff", "/dev/handoff"})
        void kernelFileSystemsAreRefused(String dir) {
            CliRun r = capture(dir, machine.toString());

            assertThat(r.code()).isEqualTo(14);
            assertThat(r.line()).isEqualTo("handoff: " + dir + ": inside /" + Path.of(dir).getName(0)
                    + ", a kernel file system; refused: choose a directory on a real file system");
        }

        @Test
        void aMissingSourceIsRefusedInsteadOfCapturingNothing() {
            CliRun r = capture(tmp.resolve("p").toString(), "/nonexistent");

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).isEqualTo("handoff: /nonexistent: no such directory to capture");
            assertThat(tmp.resolve("p")).doesNotExist();
        }

        @Test
        void aSourceWithoutProfileFilesIsRefused() throws IOException {
            Path empty = Files.createDirectories(tmp.resolve("empty"));
            CliRun r = capture(tmp.resolve("p").toString(), empty.toString());

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).isEqualTo("handoff: " + empty.toRealPath() + ": holds none of the files a profile"
                    + " captures (/proc/iomem, /proc/cmdline, /sys/kernel/vmcoreinfo …); is it a machine's root?");
        }

        @Test
        void aDirectoryOfOtherFilesIsRefused() throws IOException {
            Path home = Files.createDirectories(tmp.resolve("home"));
            Files.writeString(home.resolve("thesis.tex"), "mine");

            CliRun r = capture(home.toString(), machine.toString());

            assertThat(r.code()).isEqualTo(12);
            assertThat(r.line()).isEqualTo("handoff: " + home + ": exists, is not empty and holds no earlier capture"
                    + " (no .handoff-capture); choose another directory");
            assertThat(home.resolve("thesis.tex")).hasContent("mine");
        }

        @Test
        void anEarlierCaptureIsReplacedAndThePrivateModesHold() throws IOException {
            Path profile = tmp.resolve("captured");
            assertThat(capture(profile.toString(), machine.toString()).code()).isZero();

            CliRun again = capture(profile.toString(), machine.toString());

            assertThat(again.code()).as(again.err()).isZero();
            assertThat(again.out()).startsWith("captured 1 files from " + machine);
            assertThat(profile.resolve(ProfileCapture.MARKER)).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile))).isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile.resolve("proc/cmdline"))))
                    .isEqualTo("rw-------");
        }
    }

    @Nested
    class CommandLineText {
        @ParameterizedTest
        @ValueSource(strings = {"console=ttyS0 \u001b[31mred", "quiet\nsplash", "x\u007f"})
        void aControlCharacterInAppendIsRefusedByOffset(String append) throws IOException {
            CliRun r = run(plan(profileCopy(), "--append", append));

            assertThat(r.code()).isEqualTo(11);
            int at = 0;
            while (append.charAt(at) >= 0x20 && append.charAt(at) != 0x7f) {
                at++;
            }
            assertThat(r.line()).isEqualTo(String.format("handoff: --append: the command line holds control character"
                    + " 0x%02x at offset %d; it must be one line of printable text", (int) append.charAt(at), at));
            assertThat(r.out()).isEmpty();
            assertThat(tmp.resolve("bundle")).doesNotExist();
        }

        @Test
        void aFifoGivenAsKdumpToolsSettingsIsRefusedInsteadOfHanging() throws Exception {
            Path fifo = tmp.resolve("kdump-tools");
            mkfifo(fifo);
            CliRun r = run(plan(profileCopy(), "--from", "kdump-tools=" + fifo));

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).isEqualTo("handoff: " + fifo + ": kdump-tools settings do not exist or cannot be"
                    + " read (a readable regular file is needed)");
        }

        @Test
        void aControlCharacterInTheReusedLineIsRefusedNamingTheFile() throws IOException {
            Path root = profileCopy();
            Files.writeString(root.resolve("proc/cmdline"), "BOOT_IMAGE=/vmlinuz \u0007root=/dev/sda\n");
            CliRun r = run(plan(root, "--reuse-cmdline"));

            assertThat(r.code()).isEqualTo(11);
            assertThat(r.line()).startsWith("handoff: --reuse-cmdline (" + root + "/proc/cmdline): the command line"
                    + " holds control character 0x07 at offset 20");
        }
    }

    @Nested
    class InternalErrors {
        @Test
        void anUnexpectedExceptionIsOneLineAndTheTraceGoesToALogFile() throws IOException {
            CliRun r = run("plan", "--platform", "porty", "--plugins", plugins.toString(), "--root",
                    Fixtures.profile("qemu-pc-x86_64-1g").toString(), "--kernel", kernel.toString(), "--out",
                    tmp.resolve("bundle").toString());

            assertThat(r.code()).isEqualTo(1);
            assertThat(r.line()).startsWith("handoff: internal error: UnsupportedOperationException (details in "
                    + tmp.resolve("logs") + "/internal-error-").endsWith(".log)");
            Path log = Path.of(r.line().replaceFirst(".*\\(details in ", "").replaceFirst("\\)$", ""));
            assertThat(Files.readString(log)).contains("arguments: plan --platform porty",
                    "java.lang.UnsupportedOperationException", "at com.example.porty.PortyPlatform.plan");
            assertThat(tmp.resolve("bundle")).doesNotExist();
        }

        @Test
        void outOfMemoryIsOneLineToo() {
            StringWriter err = new StringWriter();
            int code = CliRunner.internalError(new OutOfMemoryError("Java heap space"), new String[] {"plan"},
                    new PrintWriter(err, true));

            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).startsWith("handoff: internal error: out of memory (Java heap space) (details in "
                    + tmp.resolve("logs")).hasLineCount(1);
        }

        @Test
        void anEmptyInitrdIsRefusedByName() throws IOException {
            Path initrd = Files.write(tmp.resolve("empty.initrd"), new byte[0]);

            CliRun r = run(plan(Fixtures.profile("qemu-pc-x86_64-1g"), "--initrd", initrd.toString()));

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).isEqualTo("handoff: " + initrd + ": the initrd is empty (0 bytes); refused: pass a"
                    + " real initramfs, or no --initrd");
        }

        @Test
        void anEmptyInitrdIsRefusedBySimulateToo() throws IOException {
            Path initrd = Files.write(tmp.resolve("empty.initrd"), new byte[0]);

            CliRun r = run("simulate", "--platform", "toy", "--plugins", plugins.toString(), "--root",
                    Fixtures.profile("qemu-pc-x86_64-1g").toString(), "--kernel", kernel.toString(), "--initrd",
                    initrd.toString());

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).isEqualTo("handoff: " + initrd + ": the initrd is empty (0 bytes); refused: pass a"
                    + " real initramfs, or no --initrd");
        }

        @Test
        void theFileSystemRootAsOutIsRefused() {
            List<String> args = new ArrayList<>(List.of(plan(Fixtures.profile("qemu-pc-x86_64-1g"))));
            args.addAll(List.of("--out", "/"));

            CliRun r = run(args.toArray(String[]::new));

            assertThat(r.code()).isEqualTo(12);
            assertThat(r.line()).isEqualTo("handoff: /: the file system root cannot be a bundle; choose a directory"
                    + " below it");
        }

        @Test
        void anOptionValuePicocliCannotConvertIsAValueError() {
            CliRun r = run("simulate", "--hang", "soon");

            assertThat(r.code()).isEqualTo(11);
            assertThat(r.line()).isEqualTo("handoff: Invalid value for option '--hang': 'soon' is not an int");
        }

        @Test
        void anUnknownOptionIsAUsageError() {
            CliRun r = run("platforms", "--frobnicate");

            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("handoff: Unknown option: '--frobnicate'" + System.lineSeparator()
                    + "Try 'handoff platforms --help'." + System.lineSeparator());
        }
    }

    @Nested
    class Configuration {
        @Test
        void aMistypedSettingNamesTheClosestKnownOne() {
            CliRun r = run(plan(Fixtures.profile("qemu-pc-x86_64-1g"), "-D", "handoff.purgatory.budgett=1ms"));

            assertThat(r.code()).isEqualTo(11);
            assertThat(r.line()).isEqualTo("handoff: command line: handoff.purgatory.budgett: not a known setting;"
                    + " did you mean handoff.purgatory.budget?");
        }

        @Test
        void aPluginsKeysAreKnownAndATypoInThemIsNot() {
            CliRun ok = run(plan(Fixtures.profile("qemu-pc-x86_64-1g"), "-D", "handoff.platforms.toy.cmdline-max=100"));
            CliRun typo = run(plan(Fixtures.profile("qemu-pc-x86_64-1g"), "-D", "handoff.platforms.toy.cmdline-maxx=100"));

            assertThat(ok.code()).as(ok.err()).isZero();
            assertThat(typo.code()).isEqualTo(11);
            assertThat(typo.line()).isEqualTo("handoff: command line: handoff.platforms.toy.cmdline-maxx: not a known"
                    + " setting; did you mean handoff.platforms.toy.cmdline-max?");
        }

        @Test
        void aMistypedSettingInTheFileNamesFileAndLine() throws IOException {
            Path conf = Files.writeString(tmp.resolve("handoff.conf"), "handoff.last-words {\n  retry = 2\n}\n");

            CliRun r = run(plan(Fixtures.profile("qemu-pc-x86_64-1g"), "--config", conf.toString()));

            assertThat(r.code()).isEqualTo(11);
            assertThat(r.line()).isEqualTo("handoff: " + conf + ":2: handoff.last-words.retry: not a known setting;"
                    + " did you mean handoff.last-words.retries?");
        }

        @Test
        void aMistypedPlatformOptionNamesTheClosestKnownOne() {
            CliRun r = run(plan(Fixtures.profile("qemu-pc-x86_64-1g"), "-O", "memap=cmdline"));

            assertThat(r.code()).isEqualTo(11);
            assertThat(r.line()).isEqualTo("handoff: -O memap: not an option of platform toy (it knows cmdline-max,"
                    + " memmap); did you mean memmap?");
        }

        @Test
        void aDigestChunkOfOneByteIsRefusedBeforeAnyHashing() {
            long started = System.nanoTime();
            CliRun r = run(plan(Fixtures.profile("qemu-pc-x86_64-1g"), "-D", "handoff.core.digest-chunk-size=1"));

            assertThat(r.code()).isEqualTo(11);
            assertThat(r.line()).isEqualTo("handoff: command line: handoff.core.digest-chunk-size: must be between 4K"
                    + " (one page) and 1G, got 1 bytes");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Nested
    class KexecCommands {
        @Test
        void loadByAUserWhoIsNotRootIsRefusedBeforePlanning() {
            kexec.root = false;

            CliRun r = run(kexecCommand("load", "--crash", "--kernel", kernel.toString(), "--root",
                    Fixtures.profile("qemu-pc-x86_64-1g").toString()));

            assertThat(r.code()).isEqualTo(13);
            assertThat(r.line()).isEqualTo("handoff: load: needs root (CAP_SYS_BOOT): the kernel refuses kexec to other"
                    + " users (and shows them /proc/iomem without addresses)");
            assertThat(kexec.calls).isEmpty();
        }

        @Test
        void statusNamesThePlanALoadLeftAndUnloadForgetsIt() throws IOException {
            Path root = profileCopy();
            CliRun load = run(kexecCommand("load", "--crash", "--file-load", "--platform", "toy", "--kernel",
                    kernel.toString(), "--append", "quiet", "--root", root.toString()));
            assertThat(load.code()).as(load.err()).isZero();
            Files.writeString(root.resolve("sys/kernel/kexec_crash_loaded"), "1\n");

            CliRun status = run(kexecCommand("status", "--json", "--root", root.toString()));

            assertThat(status.code()).as(status.err()).isZero();
            assertThat(status.out()).contains("\"schema\": \"handoff-status/1\"", "\"platform\": \"toy\"",
                    "\"kernel\": \"" + kernel + "\"", "\"method\": \"kexec_file_load\"",
                    "\"command-line\": \"quiet\"");
            CliRun text = run(kexecCommand("status", "--root", root.toString()));
            assertThat(text.out()).contains("crash kernel loaded: yes, planned by the kernel (" + kernel
                    + ", kexec_file_load, since ");

            CliRun unload = run(kexecCommand("unload", "--crash", "--root", root.toString()));
            assertThat(unload.code()).as(unload.err()).isZero();
            assertThat(run(kexecCommand("status", "--json", "--root", root.toString())).out())
                    .contains("\"plan\": null").doesNotContain("plan-digest");
        }

        @Test
        void unloadByAUserWhoIsNotRootIsRefused() {
            kexec.root = false;

            CliRun r = run(kexecCommand("unload", "--crash"));

            assertThat(r.code()).isEqualTo(13);
            assertThat(r.line()).isEqualTo("handoff: unload: needs root (CAP_SYS_BOOT): the kernel refuses kexec to"
                    + " other users");
            assertThat(kexec.calls).isEmpty();
        }

        @Test
        void execSaysRebootingOnlyWhenEveryCheckHasPassed() throws IOException {
            Path idle = tmp.resolve("idle");
            Files.createDirectories(idle.resolve("sys/kernel"));
            Files.writeString(idle.resolve("sys/kernel/kexec_loaded"), "1\n");
            kexec.root = false;

            CliRun refused = run(kexecCommand("exec", "--root", idle.toString()));
            kexec.root = true;
            kexec.rebootErrno = Errno.EINVAL;
            CliRun failed = run(kexecCommand("exec", "--root", idle.toString()));

            assertThat(refused.code()).isEqualTo(13);
            assertThat(refused.out()).isEmpty();
            assertThat(refused.line()).isEqualTo("handoff: reboot: needs root (CAP_SYS_BOOT): the kernel refuses kexec"
                    + " to other users");
            assertThat(failed.out()).isEqualTo("rebooting into the loaded kernel" + System.lineSeparator());
            assertThat(failed.line()).isEqualTo("handoff: reboot: the kernel refused to start the loaded kernel (EINVAL)");
            assertThat(kexec.calls).containsExactly("reboot");
        }

        @Test
        void statusOnAKernelWithoutKexecSaysNoLoadIsPossible() throws IOException {
            Path bare = Files.createDirectories(tmp.resolve("bare"));

            CliRun r = run("status", "--root", bare.toString());

            assertThat(r.code()).isZero();
            assertThat(r.out().lines()).contains(
                    "kexec:               not supported by the running kernel (/sys/kernel/kexec_loaded is missing)",
                    "a load would use:    nothing: the running kernel has no kexec (/sys/kernel/kexec_loaded is missing)");
        }

        @Test
        void fileLoadOnAKernelWithoutKexecDoesNotSuggestTheOtherSyscall() throws IOException {
            Path bare = profileCopy();
            kexec.fileLoadErrno = Errno.ENOSYS;

            CliRun r = run(kexecCommand("load", "--crash", "--file-load", "--kernel", kernel.toString(), "--root",
                    bare.toString()));

            assertThat(r.code()).isEqualTo(10);
            assertThat(r.line()).isEqualTo("handoff: kexec_file_load: the running kernel has no kexec at all"
                    + " (/sys/kernel/kexec_loaded is missing: built without CONFIG_KEXEC and CONFIG_KEXEC_FILE); boot"
                    + " a kernel with kexec (ENOSYS)");
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"load", "unload", "exec"})
        void aSecondKexecCommandWaitsThenIsBusyNamingTheHolder(String command) {
            List<String> extra = command.equals("load")
                    ? List.of("--crash", "--file-load", "--kernel", kernel.toString(), "--root",
                            Fixtures.profile("qemu-pc-x86_64-1g").toString())
                    : List.of();
            try (LoadLock held = LoadLock.acquire(lockDir, Duration.ZERO)) {
                CliRun r = run(kexecCommand(command, extra.toArray(String[]::new)));

                assertThat(r.code()).isEqualTo(15);
                assertThat(r.line()).isEqualTo("handoff: " + lockDir.resolve("load.lock") + ": another handoff process"
                        + " (pid " + ProcessHandle.current().pid() + ") is loading, unloading or rebooting; waited"
                        + " 200 ms: try again when it has finished");
            }
            assertThat(kexec.calls).isEmpty();
        }
    }

    @Nested
    class Bundles {
        @Test
        void stagingLeftByAnInterruptedPlanIsSweptAndAFailedPlanLeavesNone() throws IOException {
            Path stale = Files.createDirectories(tmp.resolve(".bundle.tmp-999999999-3/segments"));

            CliRun ok = run(plan(Fixtures.profile("qemu-pc-x86_64-1g")));
            CliRun failed = run(plan(Fixtures.profile("qemu-pc-x86_64-1g"), "--append", "x".repeat(65)));

            assertThat(ok.code()).as(ok.err()).isZero();
            assertThat(failed.code()).isEqualTo(8);
            assertThat(stale.getParent()).doesNotExist();
            try (Stream<Path> left = Files.list(tmp)) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".bundle"));
            }
        }
    }
}
