package io.handoff.lastwords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.spi.Contribution;
import io.handoff.core.CoreModule;
import io.handoff.core.config.HandoffConfig;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LastWordsModuleTests {
    private static final Key<Set<Contribution>> SHARED = Key.get(new TypeLiteral<Set<Contribution>>() { });

    @Test
    void addsTheStepsToTheSharedContributionsOfTheCore() {
        HandoffConfig config = HandoffConfig.withoutFile(Map.of("handoff.last-words.watchdog", "stop"));
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new CoreModule(config),
                new LastWordsModule(config.settings(LastWordsOptions.ROOT)));
        Set<Contribution> shared = injector.getInstance(SHARED);
        assertThat(shared).singleElement().isInstanceOf(LastWordsSteps.class);
        LastWordsSteps steps = (LastWordsSteps) shared.iterator().next();
        assertThat(steps.options().watchdog()).isSameAs(Watchdog.STOP);
        assertThat(injector.getInstance(LastWordsSteps.class)).isSameAs(steps);
    }

    @Test
    void badSettingsFailWhenTheModuleIsCreatedAsConfigurationErrors() {
        HandoffConfig config = HandoffConfig.withoutFile(Map.of("handoff.last-words.watchdog", "start:9999"));
        assertThatThrownBy(() -> new LastWordsModule(config.settings(LastWordsOptions.ROOT)))
                .isInstanceOfSatisfying(HandoffException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.CONFIGURATION))
                .hasMessageContaining("handoff.last-words.watchdog");
    }
}
