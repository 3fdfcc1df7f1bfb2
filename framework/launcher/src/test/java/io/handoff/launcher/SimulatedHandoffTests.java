package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.handoff.api.FailureKind;
import io.handoff.core.testing.Fixtures;
import io.handoff.testkit.CmosRtc;
import io.handoff.testkit.Handoff;
import io.handoff.testkit.PlatformTestKit;
import io.handoff.testkit.ReferenceMachine;
import io.handoff.testkit.Scenario;
import io.handoff.testkit.StepRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
