package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.core.testing.Fixtures;
import io.handoff.core.testing.PluginJarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --from kdump.conf}: Fedora's and RHEL's kdump settings, /etc/kdump.conf and /etc/sysconfig/kdump, planned as
 * kdumpctl would load them.
 */
class KdumpConfTests {
    /** The running kernel of the machine planned for (its /proc/sys/kernel/osrelease). */
    static final String RELEASE = "6.8.5-301.fc40.x86_64";

    /** A Fedora machine's /proc/cmdline. */
    static final String PROC_CMDLINE = "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.8.5-301.fc40.x86_64"
            + " root=UUID=0b6ac3a4-2d1e-4c57-9d1a-5f0e7a9c1b22 ro rootflags=subvol=root"
            + " crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M rhgb quiet hugepages=16 console=ttyS0";

    /** The shape of Fedora's default /etc/kdump.conf: mostly commented examples, a few dump settings. */
    static final String KDUMP_CONF = """
            # Configures where to put the kdump /proc/vmcore files
            #
            # This file contains a series of commands to perform (in order) in the kdump
            # kernel after a kernel crash in the crash kernel(1st kernel) has happened.
            #
            # Directives in this file are only applicable to the kdump initramfs, and have
            # no effect once the root filesystem is mounted and the normal init scripts are
            # processed.

            auto_reset_crashkernel yes

            #raw /dev/vg/lv_kdump
            #ext4 /dev/vg/lv_kdump
            #ext4 LABEL=/boot
            #xfs UUID=03138356-5e61-4ab3-b58e-27507ac41937
            #nfs my.server.com:/export/tmp
            #nfs [2001:db8::1:2:3:4]:/export/tmp
            #ssh user@my.server.com
            #sshkey /root/.ssh/kdump_id_rsa
            path /var/crash
            core_collector makedumpfile -l --message-level 7 -d 31
            #core_collector scp
            #kdump_post /var/crash/scripts/kdump-post.sh
            #kdump_pre /var/crash/scripts/kdump-pre.sh
            #extra_bins /usr/bin/lftp
            #extra_modules gfs2
            #failure_action shell
            #force_rebuild 1
            #force_no_rebuild 1
            #dracut_args --omit-drivers "cfg80211 snd" --add-drivers "ext2 ext3"
            #fence_kdump_args -p 7410 -f auto -c 0 -i 10
            #fence_kdump_nodes node1 node2
            """;

    static final String REMOVE = "hugepages hugepagesz slub_debug quiet log_buf_len swiotlb";
    static final String APPEND = "irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=0 numa=off"
            + " udev.children-max=2 panic=10 rootflags=nofail acpi_no_memhotplug transparent_hugepage=never nokaslr"
            + " hest_disable novmcoredd cma=0 hugetlb_cma=0";

    /** The shape of Fedora's /etc/sysconfig/kdump, with these values. */
    static String sysconfig(String kernelVersion, String commandLine, String remove, String append) {
        return String.format("""
                # Kernel Version string for the -kdump kernel, such as 2.6.13-1544.FC5kdump
                # If no version is specified, then the init script will try to find a
                # kdump kernel with the same version number as the running kernel.
                KDUMP_KERNELVER="%s"

                # The kdump commandline is the command line that needs to be passed off to
                # the kdump kernel. If a command line is not specified, the default will be
                # taken from /proc/cmdline
                KDUMP_COMMANDLINE="%s"

                # This variable lets us remove arguments from the current kdump commandline
                # NOTE: some arguments such as crashkernel will always be removed
                KDUMP_COMMANDLINE_REMOVE="%s"

                # This variable lets us append arguments to the current kdump commandline
                # after processed by KDUMP_COMMANDLINE_REMOVE
                KDUMP_COMMANDLINE_APPEND="%s"

                # Any additional kexec arguments required.
                KEXEC_ARGS="-s"

                #Where to find the boot image
                #KDUMP_BOOTDIR="/boot"

                #What is the image type used for kdump
                KDUMP_IMG="vmlinuz"

                #What is the images extension.  Relocatable kernels don't have one
                KDUMP_IMG_EXT=""

                # Enable vmcore creation notification by default
                VMCORE_CREATION_NOTIFICATION="yes"
                """, kernelVersion, commandLine, remove, append);
    }

    @TempDir
    Path tmp;

    Path plugins;
    byte[] image;
    Path root;
    Path conf;
    Path settings;

    @BeforeEach
    void setUp() throws IOException {
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        // a Fedora capture command line is longer than the toy's usual 64 bytes
        PluginJarBuilder.plugin("toy").version("1.2.3").provider("Toy Inc.")
                .source("com.example.toy.ToyPlatform", CliTests.TOY).extension("com.example.toy.ToyPlatform")
                .referenceConf("handoff.platforms.toy { cmdline-max = 1024 }").build(plugins);
        image = new byte[300_000];
        System.arraycopy("TOY!".getBytes(), 0, image, 0, 4);
        root = fedoraMachine();
        conf = Files.writeString(tmp.resolve("kdump.conf"), KDUMP_CONF);
        settings = Files.writeString(tmp.resolve("sysconfig-kdump"), sysconfig("", "", REMOVE, APPEND));
    }

    /** The bundled QEMU profile as a Fedora machine: its release, command line, and kernel and kdump initrd. */
    Path fedoraMachine() throws IOException {
        Path source = Fixtures.profile("qemu-pc-x86_64-1g");
        Path copy = Fixtures.copyTree(source, tmp.resolve("machine"));
        Files.createDirectories(copy.resolve("proc/sys/kernel"));
        Files.writeString(copy.resolve("proc/sys/kernel/osrelease"), RELEASE + "\n");
        Files.writeString(copy.resolve("proc/cmdline"), PROC_CMDLINE + "\n");
        installKernel(copy, RELEASE);
        return copy;
    }

    /** Put /boot/vmlinuz-RELEASE and the initramfs kdumpctl builds for it on a machine. */
    void installKernel(Path machine, String release) throws IOException {
        Files.createDirectories(machine.resolve("boot"));
        Files.write(machine.resolve("boot/vmlinuz-" + release), image);
        Files.write(machine.resolve("boot/initramfs-" + release + "kdump.img"), new byte[8192]);
    }

    CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** handoff plan for the Fedora machine, kernel, initrd and command line left to --from. */
    CliRun plan(String... extra) {
        List<String> a = new ArrayList<>(List.of("plan", "--platform", "toy", "--plugins", plugins.toString(),
                "--root", root.toString(), "--out", tmp.resolve("bundle").toString()));
        a.addAll(List.of(extra));
        return run(a.toArray(String[]::new));
    }

    CliRun planFrom(String... extra) {
        List<String> a = new ArrayList<>(List.of("--crash", "--from", "kdump.conf=" + conf + "," + settings));
        a.addAll(List.of(extra));
        return plan(a.toArray(String[]::new));
    }

    /** The command line plan.txt shows. */
    String plannedCommandLine() throws IOException {
        return Files.readString(tmp.resolve("bundle/plan.txt")).lines().filter(l -> l.startsWith("command line:"))
                .findFirst().orElseThrow().substring("command line:".length()).strip();
    }

    /** Fedora's defaults as the installer leaves them: the running kernel, its command line, kdumpctl's changes. */
    @Nested
    class FedoraDefaults {
        @Test
        void aKdumpTakesTheRunningKernelItsKdumpInitrdAndItsCommandLineAsKdumpctlBuildsIt() throws IOException {
            CliRun r = planFrom();

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(plannedCommandLine()).isEqualTo("BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.8.5-301.fc40.x86_64 ro"
                    + " rootflags=subvol=root rhgb console=ttyS0 " + APPEND + " rd.systemd.gpt_auto=no");
            assertThat(Files.readString(tmp.resolve("bundle/plan.txt"))).contains(
                    "kernel:       " + root.resolve("boot/vmlinuz-" + RELEASE) + "\n",
                    "initrd:       " + root.resolve("boot/initramfs-" + RELEASE + "kdump.img") + "\n");
        }

        @Test
        void theManifestCarriesTheSameCommandLineBytes() {
            CliRun r = planFrom("--json");

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("{").contains("\"mode\": \"kdump\"",
                    "\"commandLine\": \"BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.8.5-301.fc40.x86_64 ro rootflags=subvol=root"
                            + " rhgb console=ttyS0 " + APPEND + " rd.systemd.gpt_auto=no\"",
                    root.resolve("boot/vmlinuz-" + RELEASE).toString());
        }

        @Test
        void aRebootLoadDropsTheSameParametersButLeavesTheCrashAdditionsOut() throws IOException {
            CliRun r = plan("--from", "kdump.conf=" + conf + "," + settings);

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(plannedCommandLine()).isEqualTo("BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.8.5-301.fc40.x86_64 ro"
                    + " rootflags=subvol=root rhgb console=ttyS0");
        }

        @Test
        void withoutTheSysconfigFileKdumpctlsBuiltInValuesApply() throws IOException {
            CliRun r = plan("--crash", "--from", "kdump.conf=" + conf + "," + tmp.resolve("no-such-sysconfig"));

            assertThat(r.code()).as(r.err()).isZero();
            // only hugepages, hugepagesz and slub_debug go, with kdumpctl's fixed ones: quiet stays
            assertThat(plannedCommandLine()).isEqualTo("BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.8.5-301.fc40.x86_64 ro"
                    + " rootflags=subvol=root rhgb quiet console=ttyS0 rd.systemd.gpt_auto=no");
        }

        @Test
        void optionsGivenWin() throws IOException {
            Path other = Files.write(tmp.resolve("other.img"), image);

            CliRun r = planFrom("--kernel", other.toString(), "--append", "quiet");

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(plannedCommandLine()).isEqualTo("quiet");
            assertThat(Files.readString(tmp.resolve("bundle/plan.txt"))).contains("kernel:       " + other + "\n",
                    "initrd:       " + root.resolve("boot/initramfs-" + RELEASE + "kdump.img") + "\n");
        }

        @ParameterizedTest
        @ValueSource(strings = {"kdump_kernelver 6.9.0-1.fc40.x86_64", "blacklist e1000", "net 192.168.1.1",
            "no_such_directive at all", "path"})
        void kdumpConfDirectivesDoNotChangeTheLoadNotEvenUnknownOnes(String directive) throws IOException {
            assertThat(planFrom().code()).isZero();
            String expected = plannedCommandLine();
            Files.writeString(conf, KDUMP_CONF + directive + "\n");

            CliRun r = planFrom();

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(plannedCommandLine()).isEqualTo(expected);
            assertThat(Files.readString(tmp.resolve("bundle/plan.txt")))
                    .contains("kernel:       " + root.resolve("boot/vmlinuz-" + RELEASE) + "\n");
        }
    }

    /** Which kernel and initrd: KDUMP_KERNELVER, KDUMP_IMG and KDUMP_IMG_EXT, else the running kernel. */
    @Nested
    class KernelAndInitrd {
        static Stream<Arguments> names() {
            return Stream.of(
                    Arguments.of("", "vmlinuz-" + RELEASE, "initramfs-" + RELEASE + "kdump.img"),
                    Arguments.of("KDUMP_KERNELVER=6.9.0-1.fc40.x86_64\n", "vmlinuz-6.9.0-1.fc40.x86_64",
                            "initramfs-6.9.0-1.fc40.x86_64kdump.img"),
                    Arguments.of("KDUMP_KERNELVER='6.9.0-1.fc40.x86_64'\nKDUMP_IMG=vmlinux\nKDUMP_IMG_EXT=.efi\n",
                            "vmlinux-6.9.0-1.fc40.x86_64.efi", "initramfs-6.9.0-1.fc40.x86_64kdump.img"));
        }

        @ParameterizedTest
        @MethodSource("names")
        void theSysconfigNamesTheFilesInBoot(String assignments, String kernel, String initrd) throws IOException {
            Files.writeString(settings, assignments, java.nio.file.StandardOpenOption.APPEND);
            Files.write(root.resolve("boot/" + kernel), image);
            Files.write(root.resolve("boot/" + initrd), new byte[4096]);

            CliRun r = planFrom();

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Files.readString(tmp.resolve("bundle/plan.txt"))).contains(
                    "kernel:       " + root.resolve("boot/" + kernel) + "\n",
                    "initrd:       " + root.resolve("boot/" + initrd) + "\n");
        }

        @Test
        void aKdumpInitrdOnlyInVarLibKdumpIsTakenFromThere() throws IOException {
            Files.delete(root.resolve("boot/initramfs-" + RELEASE + "kdump.img"));
            Path state = Files.createDirectories(root.resolve("var/lib/kdump"));
            Files.write(state.resolve("initramfs-" + RELEASE + "kdump.img"), new byte[4096]);

            CliRun r = planFrom();

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Files.readString(tmp.resolve("bundle/plan.txt")))
                    .contains("initrd:       " + state.resolve("initramfs-" + RELEASE + "kdump.img") + "\n");
        }
    }

    /** The command line: KDUMP_COMMANDLINE or the running kernel's, less the removed parameters, plus the additions. */
    @Nested
    class CommandLine {
        static Stream<Arguments> lines() {
            return Stream.of(
                    // a given line loses kdumpctl's fixed parameters and REMOVE's as the running one does
                    Arguments.of("root=/dev/vda1 ro quiet console=ttyS0 crashkernel=256M", "quiet", "irqpoll",
                            "ro console=ttyS0 irqpoll rd.systemd.gpt_auto=no"),
                    Arguments.of("console=ttyS0", "", "", "console=ttyS0 rd.systemd.gpt_auto=no"),
                    // NAME=VALUE in REMOVE removes by NAME, whatever the value; rootflags is not root
                    Arguments.of("", "console=tty0 rhgb", "nr_cpus=1", "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.8.5-301.fc40"
                            + ".x86_64 ro rootflags=subvol=root quiet hugepages=16 nr_cpus=1 rd.systemd.gpt_auto=no"));
        }

        @ParameterizedTest
        @MethodSource("lines")
        void kdumpctlsRemovalsAndAdditions(String commandLine, String remove, String append, String planned)
                throws IOException {
            Files.writeString(settings, sysconfig("", commandLine, remove, append));

            CliRun r = planFrom();

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(plannedCommandLine()).isEqualTo(planned);
        }
    }

    /** Every refusal is one line naming the file (and line and variable), with its exit code. */
    @Nested
    class Refusals {
        @Test
        void aMissingKdumpConfIsRefused() {
            Path missing = tmp.resolve("no-kdump.conf");

            CliRun r = plan("--crash", "--from", "kdump.conf=" + missing + "," + settings);

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).isEqualTo("handoff: " + missing + ": kdump.conf settings do not exist or cannot be"
                    + " read (a readable regular file is needed)");
        }

        @Test
        void aFifoAsKdumpConfIsRefusedInsteadOfHanging() throws Exception {
            HostileInputTests.mkfifo(conf);

            CliRun r = planFrom();

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).isEqualTo("handoff: " + conf + ": kdump.conf settings do not exist or cannot be"
                    + " read (a readable regular file is needed)");
        }

        @Test
        void aFifoAsSysconfigIsRefusedInsteadOfHanging() throws Exception {
            HostileInputTests.mkfifo(settings);

            CliRun r = planFrom();

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).isEqualTo("handoff: " + settings + ": kdump sysconfig settings do not exist or"
                    + " cannot be read (a readable regular file is needed)");
        }

        @Test
        void aValueThatNeedsTheShellIsRefusedByFileLineAndVariable() throws IOException {
            Files.writeString(settings, "# kdump\nKDUMP_COMMANDLINE_APPEND=\"irqpoll $EXTRA\"\n");

            CliRun r = planFrom();

            assertThat(r.code()).isEqualTo(11);
            assertThat(r.line()).isEqualTo("handoff: " + settings + ":2: KDUMP_COMMANDLINE_APPEND needs the shell"
                    + " (\"irqpoll $EXTRA\"); write the value out or use handoff.conf");
        }

        @ParameterizedTest
        @ValueSource(strings = {"../../etc", "6.8 x", ".."})
        void aKernelVersionThatIsNoFileNameIsRefused(String version) throws IOException {
            Files.writeString(settings, "KDUMP_IMG=vmlinuz\nKDUMP_KERNELVER='" + version + "'\n");

            CliRun r = planFrom();

            assertThat(r.code()).isEqualTo(11);
            assertThat(r.line()).isEqualTo("handoff: " + settings + ":2: KDUMP_KERNELVER (" + version + ") is not a"
                    + " file name in /boot: one word without /");
        }

        @Test
        void anUnknownRunningKernelSaysToSetTheVersion() throws IOException {
            Files.delete(root.resolve("proc/sys/kernel/osrelease"));

            CliRun r = planFrom();

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).startsWith("handoff: /proc/sys/kernel/osrelease: ")
                    .endsWith("; without it, set KDUMP_KERNELVER in " + settings);
        }

        @Test
        void aMissingKernelIsRefusedNamingIt() throws IOException {
            Files.delete(root.resolve("boot/vmlinuz-" + RELEASE));

            CliRun r = planFrom();

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.line()).contains(root.resolve("boot/vmlinuz-" + RELEASE).toString());
        }

        @ParameterizedTest
        @ValueSource(strings = {"kdump.conf=", "kdump.conf=a,", "kdump.conf=,b", "kdump.conf=a,b,c", "kdump-conf"})
        void aMalformedSourceIsAUsageError(String source) {
            CliRun r = plan("--from", source);

            assertThat(r.code()).isEqualTo(2);
            assertThat(r.line()).isEqualTo("handoff: --from " + source + ": not a settings source (kdump-tools,"
                    + " kdump-tools=FILE, kdump.conf or kdump.conf=FILE[,SYSCONFIG])");
        }
    }
}
