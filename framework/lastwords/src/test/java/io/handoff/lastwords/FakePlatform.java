package io.handoff.lastwords;

import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.spi.Platform;
import java.nio.ByteOrder;
import java.util.Set;

/** A platform that only declares what last words look at. */
record FakePlatform(String id, int elfMachine, ByteOrder byteOrder, Set<String> capabilities) implements Platform {
    @Override
    public boolean detect(SystemView view) {
        return true;
    }

    @Override
    public PlatformPlan plan(PlanContext context) {
        throw new UnsupportedOperationException();
    }
}
