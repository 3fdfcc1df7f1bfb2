package io.handoff.simulator.matrix;

import io.handoff.core.plan.HandoffImage;
import io.handoff.simulator.CmosRtc;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.Trace;
import io.handoff.simulator.bmc.BmcFault;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The state of the reference machine a scenario runs on: healthy, or with the faults every platform must survive
 * within the planner's budget.
 *
 * @since 0.3
 */
public enum MachineCondition {
    /** Every device works. */
    HEALTHY("healthy machine", EnumSets.ALL),
    /** The RTC's update-in-progress flag never clears: deadlines must still end. */
    RTC_STUCK_IN_UPDATE("RTC stuck in an update", EnumSets.RUN),
    /** The RTC stands still and the UART never drains: nothing reaches the console, the program still ends. */
    FROZEN_RTC_AND_STUCK_UART("frozen RTC and a UART that never drains", EnumSets.RUN),
    /** No BMC answers at the KCS ports: last words give up in time. */
    SILENT_BMC("a BMC that answers nothing", Set.of(MatrixScenario.KDUMP, MatrixScenario.CORRUPTED_SEGMENT));

    private final String description;
    private final Set<MatrixScenario> scenarios;

    MachineCondition(String description, Set<MatrixScenario> scenarios) {
        this.description = description;
        this.scenarios = scenarios;
    }

    /** Return the condition in words, as reports show it. */
    public String description() {
        return description;
    }

    /** Return the condition's name on the command line and in reports: {@code rtc-stuck-in-update}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Return the condition with this {@link #id()} (or constant name), if there is one. */
    public static Optional<MachineCondition> byId(String id) {
        for (MachineCondition c : values()) {
            if (c.id().equals(id) || c.name().equals(id)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Return whether the scenario runs on this condition (a planner refusal needs no broken device). */
    public boolean covers(MatrixScenario scenario) {
        return scenarios.contains(scenario);
    }

    /** Return the machine's options in this condition. */
    public ReferenceMachine.Options options() {
        ReferenceMachine.Options healthy = ReferenceMachine.Options.defaults();
        return switch (this) {
            case HEALTHY -> healthy;
            case RTC_STUCK_IN_UPDATE -> healthy.rtc(CmosRtc.Fault.UIP_STUCK);
            case FROZEN_RTC_AND_STUCK_UART -> healthy.uartStuck(true).rtc(CmosRtc.Fault.FROZEN);
            case SILENT_BMC -> healthy.bmc(BmcFault.ABSENT);
        };
    }

    /**
     * Judge a run of the scenario on this condition: what the scenario expects, and within the budget. With the
     * UART stuck nothing reaches the console, so the outcome is judged from the handoff and the steps alone.
     *
     * @return why the run failed, or empty when it passed
     */
    public Optional<String> judge(MatrixScenario scenario, Optional<HandoffImage> image, Trace trace) {
        if (this == FROZEN_RTC_AND_STUCK_UART) {
            return TraceChecks.first(TraceChecks.withinBudget(trace), scenario.expectsFallback()
                    ? TraceChecks.fellBack(trace) : TraceChecks.jumpMatchesPlan(image, trace));
        }
        Optional<String> expected = scenario.judge(image, trace);
        if (expected.isPresent() || scenario.expectedRefusal().isPresent()) {
            return expected;
        }
        return TraceChecks.withinBudget(trace);
    }

    /** The scenario sets the conditions cover (an enum cannot name its own constants' sets in its constructor). */
    private static final class EnumSets {
        static final Set<MatrixScenario> ALL = Set.of(MatrixScenario.values());
        static final Set<MatrixScenario> RUN = Set.of(MatrixScenario.KEXEC_REBOOT, MatrixScenario.KDUMP,
                MatrixScenario.CORRUPTED_SEGMENT, MatrixScenario.CORRUPTED_ZERO_TAIL);
    }
}
