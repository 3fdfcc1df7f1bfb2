package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The systemd units a distribution installs: what they run, and that systemd accepts them. */
class KdumpServiceTests {
    private static final Path UNITS = Path.of("src/dist/systemd");

    @TempDir
    Path tmp;

    @Test
    void theServiceLoadsAtBootUnloadsAtStopAndReloadsByLoadingAgain() throws IOException {
        List<String> unit = Files.readAllLines(UNITS.resolve("handoff-kdump.service"));

        assertThat(unit).contains("After=local-fs.target", "Type=oneshot", "RemainAfterExit=yes",
                "ExecStart=/usr/bin/handoff load --crash", "ExecReload=/usr/bin/handoff load --crash",
                "ExecStop=/usr/bin/handoff unload --crash", "WantedBy=multi-user.target");
    }

    @Test
    void aChangedConfigurationReloadsTheService() throws IOException {
        assertThat(Files.readAllLines(UNITS.resolve("handoff-kdump.path")))
                .contains("PathChanged=/etc/handoff/handoff.conf", "Unit=handoff-kdump-reload.service");
        assertThat(Files.readAllLines(UNITS.resolve("handoff-kdump-reload.service")))
                .contains("ExecStart=/bin/systemctl try-reload-or-restart handoff-kdump.service");
    }

    @ParameterizedTest
    @ValueSource(strings = {"handoff-kdump.service", "handoff-kdump.path", "handoff-kdump-reload.service"})
    void systemdAnalyzeVerifyPasses(String name) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze) || "1".equals(System.getenv("HANDOFF_TESTS_STRICT")),
                "no systemd-analyze (apt-get install systemd)");
        Path root = installedRoot();

        Process p = new ProcessBuilder(analyze.toString(), "verify", "--man=no", "--root=" + root,
                "/etc/systemd/system/" + name).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(output).as("systemd-analyze verify").isEmpty();
        assertThat(p.exitValue()).isZero();
    }

    /** A throwaway root: the host's systemd units, the three units installed, /usr/bin/handoff and systemctl. */
    private Path installedRoot() throws IOException {
        Path root = tmp.resolve("root");
        Path units = Path.of("/lib/systemd/system");
        try (Stream<Path> files = Files.walk(units)) {
            for (Path f : files.toList()) {
                Path to = root.resolve("lib/systemd/system").resolve(units.relativize(f).toString());
                if (Files.isSymbolicLink(f)) {
                    // the .wants/ entries: systemd takes only symbolic links there
                    Files.createSymbolicLink(to, Files.readSymbolicLink(f));
                } else if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else if (Files.isRegularFile(f)) {
                    Files.copy(f, to);
                }
            }
        }
        Path system = Files.createDirectories(root.resolve("etc/systemd/system"));
        List<Path> installed = new ArrayList<>();
        try (Stream<Path> ours = Files.list(UNITS)) {
            for (Path u : ours.toList()) {
                installed.add(Files.copy(u, system.resolve(u.getFileName().toString())));
            }
        }
        assertThat(installed).hasSize(3);
        for (String tool : List.of("usr/bin/handoff", "bin/systemctl")) {
            Path t = root.resolve(tool);
            Files.createDirectories(t.getParent());
            Files.writeString(t, "#!/bin/sh\n");
            Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return root;
    }
}
