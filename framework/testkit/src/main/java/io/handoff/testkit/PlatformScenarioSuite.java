package io.handoff.testkit;

import io.handoff.simulator.matrix.MachineCondition;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scenarios every platform must pass, as one suite a platform's tests extend by overriding {@link #kit()}
 * (the way Netty's transports extend its testsuite): each {@link Scenario} on a healthy machine, on one whose RTC
 * is stuck in an update, on one whose RTC is frozen and whose UART never drains, and with a BMC that answers
 * nothing, each run proven within the planner's budget. The conditions and the judgement are
 * {@link MachineCondition}'s, the same {@code handoff matrix} runs.
 *
 * <pre>{@code
 * class ToyarchScenarioTests extends PlatformScenarioSuite {
 *     protected PlatformTestKit kit() {
 *         return PlatformTestKit.platform("toyarch").pluginsDir(PLUGINS).profile(PROFILE).kernel(KERNEL);
 *     }
 * }
 * }</pre>
 *
 * @since 0.2
 */
public abstract class PlatformScenarioSuite {
    /** Return a kit for the platform under test: plugins directory, machine profile, kernel (a fresh one each call). */
    protected abstract PlatformTestKit kit();

    @ParameterizedTest(name = "{0}")
    @EnumSource(Scenario.class)
    public void onAHealthyMachine(Scenario scenario) {
        on(MachineCondition.HEALTHY, scenario);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Scenario.class, mode = EnumSource.Mode.EXCLUDE, names = "BUDGET_EXCEEDED")
    public void withTheRtcStuckInAnUpdate(Scenario scenario) {
        on(MachineCondition.RTC_STUCK_IN_UPDATE, scenario);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Scenario.class, mode = EnumSource.Mode.EXCLUDE, names = "BUDGET_EXCEEDED")
    public void withAFrozenRtcAndAUartThatNeverDrains(Scenario scenario) {
        on(MachineCondition.FROZEN_RTC_AND_STUCK_UART, scenario);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Scenario.class, names = {"KDUMP", "CORRUPTED_SEGMENT"})
    public void withABmcThatAnswersNothing(Scenario scenario) {
        on(MachineCondition.SILENT_BMC, scenario);
    }

    /**
     * Run the scenario on the machine in this condition and judge it as {@code handoff matrix} does (for a runner
     * that builds its own tests from {@link MachineCondition#covers}).
     *
     * @throws AssertionError with the reason and the run's report when the run is not what is expected
     */
    public void on(MachineCondition condition, Scenario scenario) {
        PlatformTestKit.Execution run = kit().scenario(scenario).machine(condition.options()).execute();
        Optional<String> failure = condition.judge(scenario.definition(), run.image(), run.trace());
        if (failure.isPresent()) {
            throw new AssertionError(condition.description() + ": " + failure.get() + "; the run was:\n"
                    + run.report());
        }
    }
}
