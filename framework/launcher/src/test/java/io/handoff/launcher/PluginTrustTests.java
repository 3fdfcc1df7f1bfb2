package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.core.testing.PluginJarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that load kernels refuse plugins others could have written, and a broken plugin is one line.
 */
class PluginTrustTests {
    @TempDir
    Path tmp;

    Path plugins;

    @BeforeEach
    void setUp() throws IOException {
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void unloadRefusesAWorldWritablePluginDirectory() throws IOException {
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));

        CliRun r = run("unload", "--crash", "--plugins", plugins.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(14);
        assertThat(r.err()).isEqualTo("handoff: " + plugins + ": plugin directory is world-writable; fix the"
                + " permissions, or pass --allow-untrusted-plugins" + System.lineSeparator());
    }

    @Test
    void loadRefusesAGroupWritablePluginJar() throws IOException {
        Path jar = PluginJarBuilder.corruptJar(plugins, "some.jar");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-r--"));

        CliRun r = run("load", "--crash", "--plugins", plugins.toString(), "--kernel", jar.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(14);
        assertThat(r.err()).startsWith("handoff: " + jar + ": plugin file is group-writable;")
                .hasLineCount(1);
    }

    @Test
    void execRefusesAPluginJarOwnedBySomeoneElse() throws IOException {
        Assumptions.assumeTrue(PluginTrust.currentUid().equals(Optional.of(0)), "only root can give a file away");
        Path jar = PluginJarBuilder.corruptJar(plugins, "theirs.jar");
        Files.setAttribute(jar, "unix:uid", 4242);

        CliRun r = run("exec", "--plugins", plugins.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(14);
        assertThat(r.err()).isEqualTo("handoff: " + jar + ": plugin file is owned by uid 4242, not by root; fix the"
                + " permissions, or pass --allow-untrusted-plugins" + System.lineSeparator());
    }

    @Test
    void aUserMayOwnThePluginsItRunsAndRootsAreFine() throws IOException {
        Path jar = PluginJarBuilder.corruptJar(plugins, "mine.jar");
        Optional<Integer> me = PluginTrust.currentUid();
        Assumptions.assumeTrue(me.isPresent());

        assertThat(PluginTrust.problems(plugins, me)).isEmpty();
        if (me.get() == 0) {
            Files.setAttribute(jar, "unix:uid", 1000);
            assertThat(PluginTrust.problems(plugins, Optional.of(1000))).isEmpty();
            assertThat(PluginTrust.problems(plugins, Optional.of(1001)))
                    .containsExactly(jar + ": plugin file is owned by uid 1000, not by root or uid 1001 (you)");
        }
    }

    @Test
    void theOverrideWarnsAndGoesOn() throws IOException {
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));

        CliRun r = run("unload", "--crash", "--allow-untrusted-plugins", "--plugins", plugins.toString());

        // no plugin in the directory: the command goes on and stops where a platform for this host is needed
        assertThat(r.code()).as(r.err()).isEqualTo(10);
        assertThat(r.err().lines().findFirst()).contains("handoff: warning: --allow-untrusted-plugins: loading"
                + " anyway: " + plugins + ": plugin directory is world-writable");
    }

    @Test
    void planDoesNotCheckTrust() throws IOException {
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));

        CliRun r = run("platforms", "--plugins", plugins.toString());

        assertThat(r.code()).as(r.err()).isZero();
    }

    @Test
    void aBrokenPluginJarIsReportedOnceOnOneLine() {
        PluginJarBuilder.corruptJar(plugins, "broken.jar");

        CliRun r = run("platforms", "--plugins", plugins.toString());

        assertThat(r.code()).isZero();
        assertThat(r.err().lines().toList()).singleElement().asString()
                .startsWith("handoff: plugin broken (" + plugins.resolve("broken.jar") + "): plugin broken.jar");
    }
}
