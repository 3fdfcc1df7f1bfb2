package io.handoff.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built plugin jar is packaged as PF4J and DESIGN.md require: its own classes and extension index,
 * manifest entries, and none of the host's classes (which would load twice, from the wrong class loader).
 */
class PluginPackagingTests {
    static Stream<Path> jars() throws IOException {
        return BuiltPlugins.jars().stream();
    }

    @Test
    void thePluginsAreOffTheTestClasspathAndInTargetPlugins() throws IOException {
        assertThat(BuiltPlugins.jars()).extracting(p -> p.getFileName().toString())
                .anyMatch(n -> n.startsWith("plugins-x86_64-")).anyMatch(n -> n.startsWith("plugins-efi-"));
        assertThat(System.getProperty("java.class.path")).doesNotContain("plugins-x86_64");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jars")
    void carriesItsManifestAndExtensionIndexAndNoHostClasses(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            var attrs = j.getManifest().getMainAttributes();
            assertThat(attrs.getValue("Plugin-Id")).isNotBlank();
            assertThat(attrs.getValue("Plugin-Version")).isNotBlank();
            assertThat(attrs.getValue("Plugin-Provider")).isEqualTo("handoff project");
            assertThat(attrs.getValue("Plugin-Requires")).isNotBlank();
            assertThat(j.getEntry("META-INF/extensions.idx")).isNotNull();
            List<String> names = j.stream().map(e -> e.getName()).toList();
            assertThat(names).noneMatch(n -> n.startsWith("org/pf4j/") || n.startsWith("org/slf4j/")
                    || n.startsWith("com/google/inject/") || n.startsWith("io/handoff/api/")
                    || n.startsWith("io/handoff/core/") || n.startsWith("com/typesafe/"));
            assertThat(names).anyMatch(n -> (n.startsWith("io/handoff/platforms/") || n.startsWith("io/handoff/firmware/"))
                    && n.endsWith(".class"));
            if (names.stream().anyMatch(n -> n.startsWith("io/handoff/platforms/"))) {
                // a platform's settings (handoff.platforms.<id>); a firmware plugin has none
                assertThat(names).contains("reference.conf");
            }
        }
    }
}
