package io.handoff.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.handoff.core.testing.Fixtures;
import io.handoff.it.kexec.Prerequisites;
import io.handoff.testkit.PlatformTestKit;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.testkit.Scenario;
import io.handoff.simulator.StepRun;
import io.handoff.simulator.bmc.BmcFault;
import io.handoff.simulator.bmc.BmcReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Last words through every BMC fault: the built x86_64 plugin plans a kdump with every last word on (panic event,
 * panic text, CPU instruction pointers to console and SEL, watchdog start), the real purgatory runtime runs it on
 * the reference machine against a BMC that is healthy or broken one way, each reported as its own test. Whatever the
 * BMC does, the handoff reaches the planned jump within the planner's budget, and the console says what failed.
 */
class LastWordsMatrixTests {
    /** Every last word on: what {@code --panic-event --cpu-ip console,sel --watchdog start:120} sets. */
    static final Map<String, String> EVERYTHING = Map.of(
            "handoff.last-words.panic-event", "true",
            "handoff.last-words.cpu-ip", "console,sel",
            "handoff.last-words.watchdog", "start:120");

    /** The console line each fault must leave (the first last-words step's outcome). */
    static final Map<BmcFault, String> FAILURE = Map.of(
            BmcFault.ABSENT, "purgatory: ipmi panic event: failed: no device, status 0xff",
            BmcFault.NEVER_CLEARS_IBF, "purgatory: ipmi panic event: failed: timed out waiting for IBF=0",
            BmcFault.ERROR_STATE, "purgatory: ipmi panic event: failed: unexpected kcs state 3",
            BmcFault.SLOW, "purgatory: ipmi panic event: failed: last-words deadline spent",
            BmcFault.GARBAGE_CC, "purgatory: ipmi panic event: cc 0xc3",
            BmcFault.DROPS_BYTES, "purgatory: ipmi panic event: failed: wrong response header 0x1443",
            BmcFault.WRONG_HEADER, "purgatory: ipmi panic event: failed: wrong response header 0x1002");

    @TestFactory
    Stream<DynamicNode> everyBmcFaultStillReachesTheJumpWithinTheBudget() {
        Path kernel = Prerequisites.kernel();
        return Stream.of(dynamicContainer("x86_64, kdump with every last word", Stream.concat(
                Stream.of(dynamicTest("healthy BMC", () -> healthy(kernel))),
                Stream.of(BmcFault.values()).filter(f -> f != BmcFault.NONE)
                        .map(f -> dynamicTest(f.id() + ": " + f.description(), () -> broken(kernel, f))))));
    }

    private static void healthy(Path kernel) {
        PlatformTestKit.Execution run = kit(kernel).execute().assertDigestsVerified().assertJumpMatchesPlan()
                .assertWithinBudget().assertConsoleLine("purgatory: ipmi panic event: cc 0x0")
                .assertConsoleLine("purgatory: ipmi watchdog start: cc 0x0");
        BmcReport bmc = run.bmc();
        assertThat(bmc.systemEvents()).as(run.report()).singleElement()
                .satisfies(e -> assertThat(e.generatorId()).isEqualTo(0x43));
        assertThat(bmc.text()).isEqualTo("handoff to capture kernel: console=ttyS0");
        assertThat(bmc.cpuIps()).hasSize(2);
        assertThat(bmc.watchdog().running()).isTrue();
        assertThat(run.trace().mainSteps()).extracting(StepRun::outcome).doesNotContain(StepRun.Outcome.FAILED);
    }

    private static void broken(Path kernel, BmcFault fault) {
        PlatformTestKit.Execution run = kit(kernel).machine(ReferenceMachine.Options.defaults().bmc(fault)).execute()
                .assertDigestsVerified().assertJumpMatchesPlan().assertWithinBudget()
                .assertConsoleLine(FAILURE.get(fault))
                .assertConsoleContains("(ipmi-request) failed: ");
        // the last words took at most their bound: the first one's worst case, charged for all of them
        Duration lastWords = run.trace().mainSteps().stream().filter(s -> s.step().kind() == 7 || s.step().kind() == 8)
                .map(s -> Duration.ofNanos(s.step().worstCaseUs() * 1000)).reduce(Duration.ZERO, Duration::plus);
        assertThat(run.trace().total()).as(run.report()).isLessThan(lastWords.plus(Duration.ofSeconds(2)));
        if (fault != BmcFault.WRONG_HEADER) {
            // it did nothing (wrong-header does the work but answers badly)
            assertThat(run.bmc().cpuIps()).as(run.report()).isEmpty();
            assertThat(run.bmc().watchdog().running()).isFalse();
        }
    }

    private static PlatformTestKit kit(Path kernel) {
        PlatformTestKit kit = PlatformTestKit.platform("x86_64").pluginsDir(BuiltPlugins.dir())
                .profile(Fixtures.profile("qemu-pc-x86_64-1g")).kernel(kernel).commandLine("console=ttyS0")
                .scenario(Scenario.KDUMP);
        EVERYTHING.forEach(kit::set);
        return kit;
    }
}
