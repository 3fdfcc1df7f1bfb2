package io.handoff.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;

/**
 * The module table of DESIGN.md as ArchUnit rules, shared by the checks on real classes and on fixtures.
 */
final class ArchitectureRules {
    /** framework/api: the JDK and PF4J's ExtensionPoint only. */
    static final ArchRule API_DEPENDS_ON_JDK_AND_PF4J_ONLY = classes()
            .that().resideInAPackage("io.handoff.api..")
            .should().onlyDependOnClassesThat()
            .resideInAnyPackage("io.handoff.api..", "java..", "org.pf4j..")
            .because("framework/api may depend on the JDK and pf4j's ExtensionPoint only (DESIGN.md, Modules)");

    /** framework/core: never the launcher (nor, later, testkit or plugins). */
    static final ArchRule CORE_DOES_NOT_DEPEND_ON_LAUNCHER_OR_PLUGINS = noClasses()
            .that().resideInAPackage("io.handoff.core..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("io.handoff.launcher..", "io.handoff.platforms..", "io.handoff.testkit..",
                    "io.handoff.lastwords..")
            .because("framework/core may depend on api only (DESIGN.md, Modules)");

    /** framework/lastwords: the api (and Guice, to plug in) only; never core, the testkit or the launcher. */
    static final ArchRule LASTWORDS_DEPENDS_ON_API_ONLY = noClasses()
            .that().resideInAPackage("io.handoff.lastwords..")
            .should().dependOnClassesThat()
            .resideInAnyPackage("io.handoff.core..", "io.handoff.testkit..", "io.handoff.launcher..",
                    "io.handoff.platforms..")
            .because("framework/lastwords may depend on api only (DESIGN.md, Modules)");

    /** framework/testkit: api, core and lastwords (to wire it as the launcher does); never the launcher or plugins. */
    static final ArchRule TESTKIT_DOES_NOT_DEPEND_ON_LAUNCHER_OR_PLUGINS = noClasses()
            .that().resideInAPackage("io.handoff.testkit..")
            .should().dependOnClassesThat().resideInAnyPackage("io.handoff.launcher..", "io.handoff.platforms..")
            .because("framework/testkit sees platforms only as plugin jars loaded by PF4J");

    /** The simulator is what the CLI's simulate runs on: no launcher, no plugin, no test library. */
    static final ArchRule SIMULATOR_DOES_NOT_DEPEND_ON_LAUNCHER_PLUGINS_OR_TESTKIT = noClasses()
            .that().resideInAPackage("io.handoff.simulator..")
            .should().dependOnClassesThat().resideInAnyPackage("io.handoff.launcher..", "io.handoff.platforms..",
                    "io.handoff.testkit..", "org.junit..")
            .because("framework/simulator ships in the distribution; platforms reach it through the api's SPI");

    /** The production CLI carries no test library. */
    static final ArchRule LAUNCHER_DOES_NOT_DEPEND_ON_TESTKIT = noClasses()
            .that().resideInAPackage("io.handoff.launcher..")
            .should().dependOnClassesThat().resideInAnyPackage("io.handoff.testkit..", "org.junit..")
            .because("handoff simulate runs on framework/simulator; framework/testkit is for tests");

    /** The api is the only handoff code plugins see; it never reaches back into core. */
    static final ArchRule API_DOES_NOT_DEPEND_ON_CORE = noClasses()
            .that().resideInAPackage("io.handoff.api..")
            .should().dependOnClassesThat().resideInAnyPackage("io.handoff.core..", "io.handoff.launcher..");

    /** No cycles between handoff's top-level areas or their packages. */
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.handoff.(**)").should().beFreeOfCycles();

    /** SLF4J everywhere: java.util.logging would bypass the launcher's logback configuration. */
    static final ArchRule NO_JUL = GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

    /** Only the launcher writes to the terminal; libraries log. */
    static final ArchRule NO_STANDARD_STREAMS_OUTSIDE_LAUNCHER = noClasses()
            .that().resideOutsideOfPackage("io.handoff.launcher..")
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .because("only the launcher writes to stdout/stderr; everything else uses SLF4J");

    private ArchitectureRules() {
    }
}
