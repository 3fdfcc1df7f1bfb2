package io.handoff.lastwords;

import io.handoff.api.machine.PrstatusLayout;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.spi.Platform;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.Set;

/** A platform that only declares what last words look at. */
record FakePlatform(String id, int elfMachine, ByteOrder byteOrder, Set<String> capabilities,
                    Optional<PrstatusLayout> prstatusLayout) implements Platform {
    /** A platform that declares no NT_PRSTATUS layout. */
    FakePlatform(String id, int elfMachine, ByteOrder byteOrder, Set<String> capabilities) {
        this(id, elfMachine, byteOrder, capabilities, Optional.empty());
    }

    @Override
    public boolean detect(SystemView view) {
        return true;
    }

    @Override
    public PlatformPlan plan(PlanContext context) {
        throw new UnsupportedOperationException();
    }
}
