package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.handoff.api.archfixture.ApiTypeReachingIntoCore;
import io.handoff.core.archfixture.CoreClassPrintingToStdout;
import io.handoff.core.archfixture.CoreClassUsingJul;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ArchitectureTests {
    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // the core test-jar (fixtures) is on the classpath too; it is test code
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.handoff");
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("api depends on JDK and pf4j only", ArchitectureRules.API_DEPENDS_ON_JDK_AND_PF4J_ONLY),
                Arguments.of("api does not reach into core", ArchitectureRules.API_DOES_NOT_DEPEND_ON_CORE),
                Arguments.of("core depends on api only", ArchitectureRules.CORE_DOES_NOT_DEPEND_ON_LAUNCHER_OR_PLUGINS),
                Arguments.of("lastwords depends on api only", ArchitectureRules.LASTWORDS_DEPENDS_ON_API_ONLY),
                Arguments.of("testkit never depends on launcher or plugins",
                        ArchitectureRules.TESTKIT_DOES_NOT_DEPEND_ON_LAUNCHER_OR_PLUGINS),
                Arguments.of("simulator never depends on launcher, plugins or testkit",
                        ArchitectureRules.SIMULATOR_DOES_NOT_DEPEND_ON_LAUNCHER_PLUGINS_OR_TESTKIT),
                Arguments.of("launcher never depends on testkit", ArchitectureRules.LAUNCHER_DOES_NOT_DEPEND_ON_TESTKIT),
                Arguments.of("no package cycles", ArchitectureRules.NO_PACKAGE_CYCLES),
                Arguments.of("no java.util.logging", ArchitectureRules.NO_JUL),
                Arguments.of("no System.out/err outside the launcher",
                        ArchitectureRules.NO_STANDARD_STREAMS_OUTSIDE_LAUNCHER));
    }

    @Nested
    class OnTheProductionClasses {
        @Test
        void theImportSeesTheWholeFramework() {
            // an empty import would let every rule pass silently
            assertThat(production.containPackage("io.handoff.api")).isTrue();
            assertThat(production.containPackage("io.handoff.core.plan")).isTrue();
            assertThat(production.containPackage("io.handoff.launcher")).isTrue();
            assertThat(production.containPackage("io.handoff.lastwords")).isTrue();
            assertThat(production.containPackage("io.handoff.testkit")).isTrue();
            assertThat(production.containPackage("io.handoff.simulator")).isTrue();
            assertThat(production.size()).isGreaterThan(40);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("io.handoff.launcher.ArchitectureTests#rules")
        void ruleHolds(String name, ArchRule rule) {
            rule.check(production);
        }
    }

    @Nested
    class OnViolatingFixtures {
        @Test
        void anApiTypeUsingCoreIsAViolation() {
            EvaluationResult result = ArchitectureRules.API_DEPENDS_ON_JDK_AND_PF4J_ONLY
                    .evaluate(new ClassFileImporter().importClasses(ApiTypeReachingIntoCore.class));
            assertThat(result.hasViolation()).isTrue();
            assertThat(result.getFailureReport().toString()).contains("ApiTypeReachingIntoCore")
                    .contains("io.handoff.core.plan.PlanSession");
        }

        @Test
        void systemOutInCoreIsAViolation() {
            EvaluationResult result = ArchitectureRules.NO_STANDARD_STREAMS_OUTSIDE_LAUNCHER
                    .evaluate(new ClassFileImporter().importClasses(CoreClassPrintingToStdout.class));
            assertThat(result.hasViolation()).isTrue();
            assertThat(result.getFailureReport().toString()).contains("CoreClassPrintingToStdout");
        }

        @Test
        void julInCoreIsAViolation() {
            EvaluationResult result = ArchitectureRules.NO_JUL
                    .evaluate(new ClassFileImporter().importClasses(CoreClassUsingJul.class));
            assertThat(result.hasViolation()).isTrue();
        }
    }
}
