package io.handoff.core.plugin;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.inject.Qualifier;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Qualifies the Multibinder sets of a plugin's own contributions in its child injector.
 *
 * <p>The unqualified {@code Set<Contribution>} is the root injector's set of shared (framework)
 * contributions; a child injector cannot bind that key again, so each plugin's own contributions are
 * bound as {@code @PluginContributions Set<Contribution>} and, per contribution SPI it implements, as
 * {@code @PluginContributions Set<PurgatoryStepContributor>} and so on.
 *
 * @since 0.1
 */
@Qualifier
@Retention(RUNTIME)
@Target({FIELD, PARAMETER, METHOD})
public @interface PluginContributions {
}
