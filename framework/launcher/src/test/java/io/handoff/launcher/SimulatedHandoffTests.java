package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.handoff.api.FailureKind;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.testing.Fixtures;
import io.handoff.simulator.CmosRtc;
import io.handoff.simulator.Handoff;
import io.handoff.testkit.PlatformTestKit;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.testkit.Scenario;
import io.handoff.simulator.StepRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * End to end: the built x86_64 plugin (its purgatory image, steps and fallback) plans a real Debian kernel on
 * the QEMU profile, and the real purgatory runtime runs the plan on the reference machine.
 *
 * <p>Needs the plugin jar of this build ({@code plugins-x86_64/target}) and a Debian kernel where
 * {@code handoff plan} finds one ({@code /boot} or the cache {@code ~/.cache/handoff/debian-kernel});
 * skipped, saying so, without a kernel.
 */
class SimulatedHandoffTests {
    @TempDir
    Path tmp;

    Path plugins;
    Path kernel;

    @BeforeEach
    void setUp() throws IOException {
        Optional<Path> k = debianKernel();
        assumeTrue(k.isPresent(), "no Debian kernel in /boot or ~/.cache/handoff/debian-kernel");
        kernel = k.get();
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path jar;
        try (Stream<Path> s = Files.list(Path.of("../../plugins-x86_64/target"))) {
            jar = s.filter(p -> p.getFileName().toString().matches("plugins-x86_64-.*\\.jar")).findFirst().orElseThrow();
        }
        Files.copy(jar, plugins.resolve(jar.getFileName()));
    }

    PlatformTestKit kit() {
        return PlatformTestKit.platform("x86_64").pluginsDir(plugins).profile(Fixtures.profile("qemu-pc-x86_64-1g"))
                .kernel(kernel).commandLine("console=ttyS0");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Scenario.class)
    void everyScenarioEndsAsItShould(Scenario scenario) {
        kit().scenario(scenario).execute().assertAsExpected();
    }

    @Test
    void kdumpVerifiesTheDigestsCopiesTheBackupRegionAndJumpsWithThePlannedRipAndRsi() {
        PlatformTestKit.Execution run = kit().scenario(Scenario.KDUMP).execute();
        var image = run.image().orElseThrow();
        Handoff.Jumped jump = run.jumped();
        assertThat(jump.register("rip")).isEqualTo(image.plan().registers().get("rip"));
        assertThat(jump.register("rsi")).isEqualTo(image.plan().registers().get("rsi"));
        long zeroPage = image.segments().stream().filter(s -> s.role().equals("setup")).findFirst().orElseThrow().mem();
        assertThat(jump.register("rsi")).as("rsi points at the zero page").isEqualTo(zeroPage);
        assertThat(run.trace().lines()).anyMatch(l -> l.contains("purgatory: digests ok"))
                .anyMatch(l -> l.startsWith("purgatory: copied 650240 bytes 0x1000 -> "));
        assertThat(run.trace().lines()).last().asString().startsWith("purgatory: jump to ");
        assertThat(run.trace().mainSteps()).extracting(StepRun::outcome).doesNotContain(StepRun.Outcome.FAILED)
                .endsWith(StepRun.Outcome.HANDED_OFF);
        assertThat(run.trace().total()).isLessThan(run.trace().budget().orElseThrow());
    }

    @Test
    void aCorruptedKernelByteEndsInTheHaltFallbackNamingTheChunk() {
        PlatformTestKit.Execution run = kit().scenario(Scenario.CORRUPTED_SEGMENT).execute();
        assertThat(run.trace().handoff()).isInstanceOf(Handoff.Halted.class);
        assertThat(run.trace().lines()).anyMatch(l -> l.contains("purgatory: digest mismatch in segment ")
                && l.endsWith(" chunk 0 at " + String.format("%#x", run.image().orElseThrow().segments().stream()
                        .filter(s -> s.role().equals("kernel")).findFirst().orElseThrow().mem())));
    }

    @Test
    void aBudgetTooSmallIsRefusedByThePlannerAndNothingRuns() {
        PlatformTestKit.Execution run = kit().scenario(Scenario.BUDGET_EXCEEDED).execute();
        run.assertRefused(FailureKind.DOES_NOT_FIT);
        assertThat(run.trace().console()).isEmpty();
        assertThat(run.image()).isEmpty();
    }

    @Test
    void aDeadSerialPortAndAStuckClockStillHandOffWithinTheBudget() {
        PlatformTestKit.Execution run = kit().scenario(Scenario.KDUMP)
                .machine(ReferenceMachine.Options.defaults().uartStuck(true).rtc(CmosRtc.Fault.UIP_STUCK)).execute();
        run.assertJumpMatchesPlan().assertWithinBudget();
        assertThat(run.trace().console()).isEmpty();
    }

    @Test
    void platformsListsTheArchitectureStepsThePluginDeclares() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new String[] {"platforms", "--plugins", plugins.toString()},
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("  arch steps:      jump-x86_64 (16, terminal), efi-call-x86_64 (64) in codes [16, 64..79]");
    }

    @Test
    void simulatePrintsTheWholeStoryForTheBundledProfile() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new String[] {"simulate", "--plugins", plugins.toString(), "--root",
            Fixtures.profile("qemu-pc-x86_64-1g").toString(), "--kernel", kernel.toString()},
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("on platform x86_64", "verify-digests", "] purgatory: jump to 0x",
                "(as planned): the new kernel would start now.", "This ran on the simulated reference machine");
    }

    @Test
    void simulateWithLastWordsShowsWhatTheBmcRecordedThenTheJump() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new String[] {"simulate", "--plugins", plugins.toString(), "--root",
            Fixtures.profile("qemu-pc-x86_64-1g").toString(), "--kernel", kernel.toString(), "--panic-event",
            "--cpu-ip", "console,sel", "--watchdog", "start:120"},
                new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        // the rips the simulator wrote into the NT_PRSTATUS notes: _stext + 0x1234 + cpu * 0x10
        long stext = ProfileMachine.at(Fixtures.profile("qemu-pc-x86_64-1g")).kernelSymbols().get("_stext");
        long rip0 = stext + 0x1234;
        long rip1 = stext + 0x1244;
        assertThat(lines).contains(String.format("  crash: each CPU saved its registers in its crash_notes buffer "
                + "(NT_PRSTATUS notes written by the simulator, instruction pointers in the kernel text): cpu 0 ip %#x at 0x3ec3a400, "
                + "cpu 1 ip %#x at 0x3ed3a400", rip0, rip1));
        int bmc = lines.indexOf("The BMC (KCS at 0xca2/0xca3) recorded:");
        assertThat(bmc).as(out.toString()).isPositive();
        assertThat(lines.subList(bmc + 1, bmc + 11)).containsExactly(
                "  SEL #1: 2024-06-01 12:00:00 system event from software id 0x21 (handoff purgatory): OS Critical "
                        + "Stop, sensor 0x68 'h', assertion of run-time critical stop, OEM codes 'han'; data a1 61 6e",
                "  SEL #2: OEM text 0 from 0x20: \"handoff to \"",
                "  SEL #3: OEM text 1 from 0x20: \"capture ker\"",
                "  SEL #4: OEM text 2 from 0x20: \"nel: consol\"",
                "  SEL #5: OEM text 3 from 0x20: \"e=ttyS0\"",
                String.format("  SEL #6: handoff CPU record: cpu 0 ip %#x", rip0),
                String.format("  SEL #7: handoff CPU record: cpu 1 ip %#x", rip1),
                "  SEL text records joined: \"handoff to capture kernel: console=ttyS0\"",
                "  watchdog: running, 120 s countdown (120 s left), SMS/OS, on expiry: hard reset, logged in the SEL",
                lines.get(bmc + 10));
        assertThat(lines.get(bmc + 10)).matches("  \\(9 requests answered, \\d+ port accesses\\)");
        // the console agrees with the SEL, and then the jump: the BMC's report comes before the outcome
        assertThat(lines).anyMatch(l -> l.endsWith(String.format("] purgatory: cpu 1 ip %#x", rip1)))
                .anyMatch(l -> l.endsWith("] purgatory: ipmi watchdog start: cc 0x0"));
        int outcome = lines.indexOf(lines.stream().filter(l -> l.startsWith("Outcome: ")).findFirst().orElseThrow());
        assertThat(outcome).isGreaterThan(bmc + 10);
        assertThat(lines.get(outcome)).startsWith("Outcome: purgatory jumped to ").endsWith(
                "(as planned): the new kernel would start now.");
        assertThat(lines.get(outcome + 1)).startsWith("Virtual time from the crash to the end: ")
                .contains("(the planner's worst-case budget: ");
    }

    @Test
    void simulateWithABrokenBmcStillJumpsAndSaysWhatFailed() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new String[] {"simulate", "--plugins", plugins.toString(), "--root",
            Fixtures.profile("qemu-pc-x86_64-1g").toString(), "--kernel", kernel.toString(), "--watchdog", "stop",
            "--bmc", "absent"}, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("fault: the BMC at 0xca2/0xca3 is absent",
                "] purgatory: ipmi watchdog stop: failed: no device, status 0xff",
                "The BMC (KCS at 0xca2/0xca3): none answered", "(as planned): the new kernel would start now.");
    }

    @Test
    void aHungNewKernelIsResetByTheWatchdogPurgatoryStarted() {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new String[] {"simulate", "--plugins", plugins.toString(), "--root",
            Fixtures.profile("qemu-pc-x86_64-1g").toString(), "--kernel", kernel.toString(), "--watchdog", "start:2",
            "--hang", "5"}, new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(err, true));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("after the handoff the next kernel hangs for 5.000 s (virtual)",
                "the BMC watchdog (SMS/OS) expired: hard reset", "the BMC hard-reset the machine",
                "from slave address 0x20 (the BMC): Watchdog 2, sensor 0x01, assertion of hard reset",
                "(as planned): the new kernel would start now. Then, with the new kernel hung, the BMC watchdog reset "
                        + "the machine at 2.");
    }

    @Test
    void anUnknownBmcFaultIsAUsageError() {
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new String[] {"simulate", "--plugins", plugins.toString(), "--kernel", kernel.toString(),
            "--bmc", "sleepy"}, new java.io.PrintWriter(new java.io.StringWriter(), true),
                new java.io.PrintWriter(err, true));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("handoff: --bmc 'sleepy' is not a BMC fault; expected one of none, "
                + "absent, stuck-ibf");
    }

    static Optional<Path> debianKernel() {
        Path cache = Path.of(System.getProperty("user.home"), ".cache/handoff/debian-kernel");
        for (Path dir : new Path[] {Path.of("/boot"), cache}) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir, 3)) {
                Optional<Path> found = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-"))
                        .filter(Files::isReadable).max(Comparator.comparing(Path::toString));
                if (found.isPresent()) {
                    return found;
                }
            } catch (IOException e) {
                // unreadable: try the next place
            }
        }
        return Optional.empty();
    }
}
