package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.core.testing.Fixtures;
import io.handoff.core.testing.PluginJarBuilder;
import io.handoff.core.testing.ToyArchitectureSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code handoff simulate} end to end on a toy platform whose own "purgatory" segment holds a hand-written
 * program (the planner's linker is another branch's work), run by the real purgatory host runtime.
 */
class SimulateCommandTests {
    static final String TOY = """
            package com.example.toy;

            import io.handoff.api.machine.SystemView;
            import io.handoff.api.plan.*;
            import io.handoff.api.spi.Platform;
            """ + ToyArchitectureSource.IMPORTS + """
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.List;
            import java.util.Map;

            public class ToyPlatform implements Platform {
                public String id() { return "toy"; }
                public boolean detect(SystemView view) { return true; }
            """ + ToyArchitectureSource.MEMBERS + """
                public PlatformPlan plan(PlanContext ctx) {
                    try {
                        Path k = ctx.request().kernel();
                        ctx.placeAt("kernel", new SegmentData.FileSlice(k, 0, Files.size(k)), 0x2e000000L, 0x100000);
                        byte[] p = Files.readAllBytes(Path.of(ctx.request().options().get("purgatory")));
                        ctx.placeAt("purgatory", new SegmentData.Bytes(p), 0x3dff0000L, 0x2000);
                        return new PlatformPlan(0x3dff0040L, Map.of("rip", 0x2e000200L, "rsi", 0x2e100000L),
                                ctx.request().commandLine(), Map.of(), List.of());
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            """;

    @TempDir
    Path tmp;

    Path plugins;
    Path kernel;
    Path purgatory;
    String previous;

    @BeforeEach
    void setUp() throws Exception {
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        PluginJarBuilder.plugin("toy").source("com.example.toy.ToyPlatform", TOY)
                .extension("com.example.toy.ToyPlatform").build(plugins);
        kernel = Files.write(tmp.resolve("kernel"), new byte[0x9000]);
        purgatory = Files.write(tmp.resolve("purgatory.bin"), image("purgatory: digests ok (1 segments, 1 chunks)\n"));
        previous = System.getProperty("handoff.purgatory.host");
        System.clearProperty("handoff.purgatory.host");
    }

    @AfterEach
    void restore() {
        if (previous == null) {
            System.clearProperty("handoff.purgatory.host");
        } else {
            System.setProperty("handoff.purgatory.host", previous);
        }
    }

    CliRun run(String... extra) {
        return runOn(Fixtures.profile("qemu-pc-x86_64-1g"), extra);
    }

    CliRun runOn(Path root, String... extra) {
        List<String> args = new ArrayList<>(List.of("simulate", "--plugins", plugins.toString(), "--root",
                root.toString(), "--kernel", kernel.toString(),
                "-O", "purgatory=" + purgatory));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void printsThePlanTheStepsTheConsoleTheJumpAndThatItWasSimulated() {
        CliRun r = run();
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Planned: a kdump load", "Crash region: 0x2e000000-0x3dffffff",
                "console", "print", "jump", "handed off",
                "purgatory: handoff v1, 3 steps, budget 1000000 us",
                "] purgatory: digests ok (1 segments, 1 chunks)",
                "] purgatory: jump to 0x2e000200 rsi=0x2e100000",
                "Outcome: purgatory jumped to 0x2e000200 with rsi=0x2e100000 (as planned): the new kernel would start now.");
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("This ran on the simulated reference machine (handoff testkit), not on hardware.");
    }

    @Test
    void jsonCarriesThePlanTheTimelineAndTheConsoleWithVirtualTimes() {
        CliRun r = run("--json");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("{\n  \"schema\": \"handoff-simulate/1\",")
                .contains("\"mode\": \"kdump\"", "\"role\": \"kernel\",\n        \"mem\": 771751936,",
                        "\"registers\": {\n      \"rip\": 771752448,\n      \"rsi\": 772800512\n    }",
                        "\"step\": \"jump\"", "\"outcome\": \"handed off\"",
                        "\"text\": \"purgatory: digests ok (1 segments, 1 chunks)\"",
                        "\"outcome\": \"purgatory jumped to 0x2e000200 with rsi=0x2e100000 (as planned): the new"
                                + " kernel would start now.\"")
                .doesNotContain("Planned: a kdump load");
    }

    @Test
    void faultsAreInjectedAndNamed() {
        CliRun r = run("--uart", "stuck", "--rtc", "frozen", "--corrupt", "kernel:0x10");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("fault: the UART at 0x3f8 never empties its transmitter",
                "fault: the CMOS RTC is frozen", "corrupted the byte at 0x2e000010 (kernel data + 0x10): 0x00 -> 0xff",
                "Serial console (COM1, 0x3f8): nothing was written.",
                "Outcome: purgatory jumped to 0x2e000200 with rsi=0x2e100000 (as planned)");
    }

    /** The fixture profile with UEFI firmware added: its runtime table and one runtime-code region. */
    Path uefiProfile() throws IOException {
        Path from = Fixtures.profile("qemu-pc-x86_64-1g");
        Path to = Fixtures.copyTree(from, tmp.resolve("uefi-profile"));
        Path efi = Files.createDirectories(to.resolve("sys/firmware/efi/runtime-map/0"));
        Files.writeString(efi.resolve("../../fw_platform_size").normalize(), "64\n");
        Files.writeString(efi.resolve("../../runtime").normalize(), "0x3fbecb98\n");
        Files.writeString(efi.resolve("type"), "0x5\n");
        Files.writeString(efi.resolve("phys_addr"), "0x3fbed000\n");
        Files.writeString(efi.resolve("virt_addr"), "0xfffffffeff1ec000\n");
        Files.writeString(efi.resolve("num_pages"), "0x10\n");
        Files.writeString(efi.resolve("attribute"), "0x800000000000000f\n");
        return to;
    }

    @Test
    void aUefiProfileGivesTheMachineRuntimeServicesAndEfiFaultsAreNamed() throws IOException {
        CliRun r = runOn(uefiProfile(), "--efi", "set-variable:fail", "--efi", "reset-system:hang");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("UEFI firmware: EFI_RUNTIME_SERVICES at 0x3fbecb98; SetVariable at virtual "
                        + "0xfffffffeff1f4180, ResetSystem at virtual 0xfffffffeff1f61a0",
                "fault: EFI SetVariable does nothing and returns EFI_DEVICE_ERROR",
                "fault: EFI ResetSystem never returns (the CPU stays in the firmware)",
                "Outcome: purgatory jumped to 0x2e000200 with rsi=0x2e100000 (as planned)");
    }

    @Test
    void efiFaultsOnAMachineWithoutUefiAreIgnoredAndSaidSo() {
        CliRun r = run("--efi", "set-variable:fail");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("EFI faults ignored: the machine has no UEFI firmware");
    }

    @ParameterizedTest(name = "--efi {0} -> exit 2")
    @CsvSource(delimiter = '|', value = {
        "set-variable|--efi 'set-variable': expected SERVICE:FAULT, such as set-variable:fail",
        "set-variable:explode|--efi 'explode' is not an EFI fault; expected fail, return or hang",
        "set-var:fail|--efi 'set-var' is not a runtime service; expected one of get-time, set-time"})
    void badEfiFaultsAreUsageErrors(String value, String message) {
        CliRun r = run("--efi", value);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(message);
    }

    @ParameterizedTest(name = "{0} {1} -> exit {2}")
    @CsvSource({"--rtc, sideways, 2, '--rtc sideways: expected stuck, frozen or jumping'",
        "--uart, slow, 2, '--uart slow: expected stuck'",
        "--corrupt, kernel, 2, '--corrupt kernel: expected SEGMENT:OFFSET'",
        "--corrupt, initrd:0, 2, '--corrupt initrd:0x0: no segment ''initrd'''"})
    void badFaultOptionsAreUsageErrors(String option, String value, int code, String message) {
        CliRun r = run(option, value);
        assertThat(r.code()).isEqualTo(code);
        assertThat(r.err()).contains(message);
    }

    @Nested
    class Defaults {
        /** The toy, recognising only machines with a marker file, and shipping one profile, toy-machine. */
        static final String PROFILED_TOY = TOY
                .replace("public boolean detect(SystemView view) { return true; }",
                        "public boolean detect(SystemView view) { return view.exists(\"/toy-marker\"); }")
                .replace("public String id() { return \"toy\"; }", "public String id() { return \"toy\"; }\n"
                        + "    public List<io.handoff.api.BundledProfile> bundledProfiles() {\n"
                        + "        return List.of(new io.handoff.api.BundledProfile(\"toy-machine\", \"marked\"));\n"
                        + "    }");

        Path home;
        Path profiled;

        @BeforeEach
        void distributionWithTheToysProfile() throws IOException {
            home = tmp.resolve("home");
            Path machine = home.resolve("profiles/toy-machine");
            Fixtures.copyTree(Fixtures.profile("qemu-pc-x86_64-1g"), machine);
            Files.writeString(machine.resolve("toy-marker"), "");
            profiled = Files.createDirectories(tmp.resolve("profiled"));
            PluginJarBuilder.plugin("toy").source("com.example.toy.ToyPlatform", PROFILED_TOY)
                    .extension("com.example.toy.ToyPlatform").build(profiled);
            System.setProperty("handoff.home", home.toString());
        }

        @AfterEach
        void forgetTheHome() {
            System.clearProperty("handoff.home");
        }

        @Test
        void withoutRootThePlatformsFirstBundledProfileIsTheMachine() {
            CliRun r = simulate("--plugins", profiled.toString(), "--kernel", kernel.toString(), "-O",
                    "purgatory=" + purgatory);

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Crash region: 0x2e000000-0x3dffffff", "handed off");
        }

        @Test
        void aPlatformWithoutBundledProfilesNeedsRoot() {
            CliRun r = simulate("--plugins", plugins.toString(), "--kernel", kernel.toString());

            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("handoff: platform toy ships no machine profile; pass --root DIR"
                    + System.lineSeparator());
        }

        @Test
        void withoutKernelAPlatformNotRunOnThisHostAndWithoutDebianPackageNeedsKernel() {
            CliRun r = simulate("--plugins", profiled.toString(), "-O", "purgatory=" + purgatory);

            assertThat(r.code()).isEqualTo(3);
            assertThat(r.err()).isEqualTo("handoff: this host does not run toy and platform toy names no Debian kernel"
                    + " package; pass --kernel FILE" + System.lineSeparator());
        }
    }

    @Nested
    class ProfilesShippedInThePluginJar {
        Path home;
        Path machine;

        @BeforeEach
        void aDistributionWithoutProfilesAndAToyMachine() throws IOException {
            home = Files.createDirectories(tmp.resolve("bare-home"));
            System.setProperty("handoff.home", home.toString());
            machine = tmp.resolve("toy-machine");
            Fixtures.copyTree(Fixtures.profile("qemu-pc-x86_64-1g"), machine);
            Files.writeString(machine.resolve("toy-marker"), "");
        }

        @AfterEach
        void forgetTheHome() {
            System.clearProperty("handoff.home");
        }

        @Test
        void theJarsProfileIsTheMachineAndItsBootKernelTheKernel() throws IOException {
            Files.createDirectories(machine.resolve("boot"));
            Files.write(machine.resolve("boot/vmlinuz-6.1.0-9-toy"), new byte[0x9000]);
            Files.write(machine.resolve("boot/vmlinuz-6.1.0-10-toy"), new byte[0x9000]);
            Path jarred = Files.createDirectories(tmp.resolve("jarred"));
            PluginJarBuilder.plugin("toy").source("com.example.toy.ToyPlatform", Defaults.PROFILED_TOY)
                    .extension("com.example.toy.ToyPlatform").resources("profiles/toy-machine/", machine)
                    .build(jarred);

            CliRun r = simulate("--plugins", jarred.toString(), "-O", "purgatory=" + purgatory);

            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("Crash region: 0x2e000000-0x3dffffff", "handed off");
            assertThat(r.err()).startsWith("handoff: no --kernel given; using the kernel bundled with profile"
                    + " toy-machine: ").contains("toy-machine/boot/vmlinuz-6.1.0-10-toy");
        }

        @Test
        void anEntryEscapingTheProfileIsRefusedNamingTheJar() throws IOException {
            Path jarred = Files.createDirectories(tmp.resolve("jarred"));
            Path jar = PluginJarBuilder.plugin("toy").source("com.example.toy.ToyPlatform", Defaults.PROFILED_TOY)
                    .extension("com.example.toy.ToyPlatform").resources("profiles/toy-machine/", machine)
                    .resource("profiles/toy-machine/../../escaped", "x").build(jarred);

            CliRun r = simulate("--plugins", jarred.toString(), "--root", "toy-machine", "--kernel", kernel.toString(),
                    "-O", "purgatory=" + purgatory);

            assertThat(r.code()).isEqualTo(14);
            assertThat(r.err()).isEqualTo("handoff: plugin jar " + jar + ": entry 'profiles/toy-machine/../../escaped'"
                    + " escapes profiles/toy-machine/; the profile is refused" + System.lineSeparator());
        }
    }

    CliRun simulate(String... args) {
        List<String> all = new ArrayList<>(List.of("simulate"));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void withoutARuntimeItSaysSoWithExitCode10() {
        System.setProperty("handoff.purgatory.host", tmp.resolve("missing.so").toString());
        CliRun r = run();
        assertThat(r.code()).isEqualTo(10);
        assertThat(r.err()).contains("missing.so: no purgatory host library there");
    }

    /** A purgatory image: header, then a program (console, print a line, jump as the toy plans). */
    static byte[] image(String text) {
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        int printLength = 16 + 8 + (t.length + 7) / 8 * 8;
        int jumpLength = 16 + 17 * 8;
        int consoleLength = 16 + 16;
        int total = 0x30 + consoleLength + printLength + jumpLength;
        ByteBuffer b = ByteBuffer.allocate(0x1100).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x47504F48).putShort((short) 1).putShort((short) 64).putInt(0x40).putInt(0x100).putInt(0x1000)
                .putInt(0).putInt(0x1100).putInt(0);
        b.position(0x100);
        b.putInt(0x50504F48).putShort((short) 1).putShort((short) 3).putInt(0x30).putInt(0).putInt(total)
                .putInt(total).putLong(1_000_000).putLong(1_000_000).putLong(0);
        b.putShort((short) 1).putShort((short) 0).putInt(consoleLength).putLong(1000).putLong(0x3F8).putLong(1);
        b.putShort((short) 2).putShort((short) 0).putInt(printLength).putLong(1000).putLong(t.length).put(t);
        b.position(0x100 + 0x30 + consoleLength + printLength);
        b.putShort((short) 16).putShort((short) 1).putInt(jumpLength).putLong(1);
        for (int i = 0; i < 17; i++) {
            b.putLong(i == 4 ? 0x2e100000L : i == 16 ? 0x2e000200L : 0);
        }
        return b.array();
    }
}
