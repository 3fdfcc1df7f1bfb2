package io.handoff.testkit;

import io.handoff.simulator.CmosRtc;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.bmc.BmcFault;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scenarios every platform must pass, as one suite a platform's tests extend by overriding {@link #kit()}
 * (the way Netty's transports extend its testsuite): each {@link Scenario} on a healthy machine, on one whose RTC
 * is stuck in an update, on one whose RTC is frozen and whose UART never drains, and with a BMC that answers
 * nothing, each run proven within the planner's budget.
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
        kit().scenario(scenario).execute().assertAsExpected();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Scenario.class, mode = EnumSource.Mode.EXCLUDE, names = "BUDGET_EXCEEDED")
    public void withTheRtcStuckInAnUpdate(Scenario scenario) {
        kit().scenario(scenario).machine(ReferenceMachine.Options.defaults().rtc(CmosRtc.Fault.UIP_STUCK)).execute()
                .assertAsExpected().assertWithinBudget();
    }

    // nothing reaches the console here, so the outcome is judged from the handoff and the steps alone
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Scenario.class, mode = EnumSource.Mode.EXCLUDE, names = "BUDGET_EXCEEDED")
    public void withAFrozenRtcAndAUartThatNeverDrains(Scenario scenario) {
        PlatformTestKit.Execution run = kit().scenario(scenario)
                .machine(ReferenceMachine.Options.defaults().uartStuck(true).rtc(CmosRtc.Fault.FROZEN)).execute();
        run.assertWithinBudget();
        if (scenario.expectsFallback()) {
            run.assertFellBack();
        } else {
            run.assertJumpMatchesPlan();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Scenario.class, names = {"KDUMP", "CORRUPTED_SEGMENT"})
    public void withABmcThatAnswersNothing(Scenario scenario) {
        kit().scenario(scenario).machine(ReferenceMachine.Options.defaults().bmc(BmcFault.ABSENT)).execute()
                .assertAsExpected().assertWithinBudget();
    }
}
