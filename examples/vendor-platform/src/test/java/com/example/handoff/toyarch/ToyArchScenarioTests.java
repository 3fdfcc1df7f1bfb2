package com.example.handoff.toyarch;

import io.handoff.testkit.PlatformScenarioSuite;
import io.handoff.testkit.PlatformTestKit;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The scenarios every platform passes (healthy, RTC stuck, frozen RTC and stuck UART, absent BMC), on toyarch. */
class ToyArchScenarioTests extends PlatformScenarioSuite {
    @TempDir
    Path tmp;

    @Override
    protected PlatformTestKit kit() {
        return PlatformTestKit.platform("toyarch").pluginsDir(ToyArchFixtures.pluginsDir())
                .profile(ToyArchFixtures.profile()).kernel(ToyArchFixtures.kernel(tmp));
    }
}
