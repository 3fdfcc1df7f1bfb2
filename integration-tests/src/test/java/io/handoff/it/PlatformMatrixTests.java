package io.handoff.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.handoff.core.config.HandoffConfig;
import io.handoff.core.plugin.PlatformRegistry;
import io.handoff.core.testing.Fixtures;
import io.handoff.it.kexec.Prerequisites;
import io.handoff.testkit.CmosRtc;
import io.handoff.testkit.Handoff;
import io.handoff.testkit.PlatformTestKit;
import io.handoff.testkit.ReferenceMachine;
import io.handoff.testkit.Scenario;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The architecture matrix: every platform the built plugin jars provide (loaded by PF4J from target/plugins)
 * through every PlatformTestKit scenario, on a healthy machine and on one whose RTC and UART are broken, each
 * reported as its own test. The budget is proven per run: the simulated time from crash to handoff stays under
 * the planner's worst case.
 */
class PlatformMatrixTests {
    /** The machine profile each platform is exercised on. */
    private static final Map<String, String> PROFILES = Map.of("x86_64", "qemu-pc-x86_64-1g");

    @TestFactory
    Stream<DynamicNode> everyPlatformThroughEveryScenario() throws Exception {
        List<String> ids;
        try (PlatformRegistry registry = PlatformRegistry.load(BuiltPlugins.dir(), HandoffConfig.withoutFile(Map.of()),
                List.of())) {
            ids = registry.platforms().stream().map(p -> p.id()).toList();
        }
        assertThat(ids).as("platforms in %s", BuiltPlugins.dir()).contains("x86_64");
        Path kernel = Prerequisites.kernel();
        return ids.stream().map(id -> dynamicContainer(id, Stream.of(
                dynamicContainer("healthy machine", Arrays.stream(Scenario.values()).map(s -> dynamicTest(s.name(),
                        () -> kit(id, kernel).scenario(s).execute().assertAsExpected()))),
                dynamicContainer("RTC stuck in an update", Arrays.stream(Scenario.values())
                        .filter(s -> s != Scenario.BUDGET_EXCEEDED)
                        .map(s -> dynamicTest(s.name(), () -> kit(id, kernel).scenario(s)
                                .machine(ReferenceMachine.Options.defaults().rtc(CmosRtc.Fault.UIP_STUCK))
                                .execute().assertAsExpected().assertWithinBudget()))),
                dynamicContainer("frozen RTC and a UART that never drains", Arrays.stream(Scenario.values())
                        .filter(s -> s != Scenario.BUDGET_EXCEEDED)
                        .map(s -> dynamicTest(s.name(), () -> silentMachine(id, kernel, s)))))));
    }

    // Nothing reaches the console here, so the outcome is judged from the handoff itself.
    private static void silentMachine(String id, Path kernel, Scenario scenario) {
        PlatformTestKit.Execution run = kit(id, kernel).scenario(scenario)
                .machine(ReferenceMachine.Options.defaults().uartStuck(true).rtc(CmosRtc.Fault.FROZEN)).execute();
        run.assertWithinBudget();
        if (scenario == Scenario.KDUMP || scenario == Scenario.KEXEC_REBOOT) {
            run.assertJumpMatchesPlan();
        } else {
            assertThat(run.trace().handoff()).as(run.report()).isInstanceOf(Handoff.Halted.class);
        }
    }

    private static PlatformTestKit kit(String id, Path kernel) {
        return PlatformTestKit.platform(id).pluginsDir(BuiltPlugins.dir())
                .profile(Fixtures.profile(PROFILES.getOrDefault(id, "qemu-pc-x86_64-1g")))
                .kernel(kernel).commandLine("console=ttyS0");
    }
}
