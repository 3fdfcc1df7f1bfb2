package io.handoff.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The plugin row of DESIGN.md's module table, checked on the built jars: plugins see the API (and the
 * libraries the host provides), never the framework's core, the launcher or each other.
 */
class PluginArchitectureTests {
    static Stream<Path> jars() throws IOException {
        return BuiltPlugins.jars().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jars")
    void pluginsDependOnTheApiAndHostLibrariesOnly(Path jar) throws IOException {
        String id;
        try (JarFile j = new JarFile(jar.toFile())) {
            id = j.getManifest().getMainAttributes().getValue("Plugin-Id");
        }
        // a platform plugin lives in io.handoff.platforms.<id>, a firmware plugin in io.handoff.firmware.<id>
        String own = "io.handoff.platforms." + id + "..";
        String ownFirmware = "io.handoff.firmware." + id + "..";
        JavaClasses classes = new ClassFileImporter().importJar(new JarFile(jar.toFile()));
        assertThat(classes).isNotEmpty();
        ArchRule rule = classes().should().onlyDependOnClassesThat().resideInAnyPackage(own, ownFirmware, "io.handoff.api..",
                "java..", "javax.annotation..", "org.slf4j..", "org.pf4j..", "jakarta.inject..", "com.google.inject..")
                .because("a plugin may depend on framework/api and the libraries the host provides (DESIGN.md, Modules)");
        rule.check(classes);
    }
}
