package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.BundledProfile;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.spi.Platform;
import io.handoff.launcher.PluginProfiles.PluginJar;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Profiles shipped in plugin jars: found for {@code --root NAME} after the distribution's own, extracted into a
 * private directory, and refused when an entry would land outside the profile.
 */
class PluginProfilesTests {
    static final Platform SHIPS_MACHINE = new Platform() {
        @Override
        public String id() {
            return "shipper";
        }

        @Override
        public boolean detect(SystemView view) {
            return false;
        }

        @Override
        public PlatformPlan plan(PlanContext context) {
            return new PlatformPlan(0, Map.of(), "", Map.of(), List.of());
        }

        @Override
        public List<BundledProfile> bundledProfiles() {
            return List.of(new BundledProfile("machine", "a test machine"));
        }
    };

    @TempDir
    Path tmp;

    @Nested
    class Resolving {
        @Test
        void aJarProfileTheDistributionLacksIsExtractedIntoAPrivateDirectory() throws IOException {
            Path jar = zip("shipper.jar", Map.of("profiles/machine/proc/iomem", "00000000-0009ffff : System RAM\n",
                    "profiles/machine/boot/vmlinuz-1", "kernel", "profiles/other/proc/iomem", "no"));

            Path dir = Distribution.resolveProfile(Path.of("machine"), tmp.resolve("home"),
                    List.of(new PluginJar(SHIPS_MACHINE, jar)));

            assertThat(dir.getFileName()).hasToString("machine");
            assertThat(dir.resolve("proc/iomem")).hasContent("00000000-0009ffff : System RAM");
            assertThat(dir.resolve("boot/vmlinuz-1")).hasContent("kernel");
            assertThat(dir.resolveSibling("other")).doesNotExist();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.getParent())))
                    .isEqualTo("rwx------");
        }

        @Test
        void theDistributionsProfileComesFirst() throws IOException {
            Path own = Files.createDirectories(tmp.resolve("home/profiles/machine"));
            Path jar = zip("shipper.jar", Map.of("profiles/machine/proc/iomem", "x"));

            assertThat(Distribution.resolveProfile(Path.of("machine"), tmp.resolve("home"),
                    List.of(new PluginJar(SHIPS_MACHINE, jar)))).isEqualTo(own);
        }

        @Test
        void onlyAProfileThePlatformNamesIsTaken() throws IOException {
            Path jar = zip("shipper.jar", Map.of("profiles/unnamed/proc/iomem", "x"));

            assertThat(Distribution.resolveProfile(Path.of("unnamed"), tmp.resolve("home"),
                    List.of(new PluginJar(SHIPS_MACHINE, jar)))).isEqualTo(Path.of("unnamed"));
        }

        @Test
        void aNamedProfileMissingFromTheJarStaysTheName() throws IOException {
            Path jar = zip("shipper.jar", Map.of("reference.conf", ""));

            assertThat(Distribution.resolveProfile(Path.of("machine"), tmp.resolve("home"),
                    List.of(new PluginJar(SHIPS_MACHINE, jar)))).isEqualTo(Path.of("machine"));
        }
    }

    @Nested
    class Refusing {
        @Test
        void anEntryClimbingOutOfTheProfile() throws IOException {
            Path jar = zip("evil.jar", Map.of("profiles/machine/proc/iomem", "x", "profiles/machine/../../escaped", "x"));

            assertRefused(jar, "plugin jar " + jar + ": entry 'profiles/machine/../../escaped' escapes"
                    + " profiles/machine/; the profile is refused");
        }

        @Test
        void anAbsoluteEntry() throws IOException {
            Path jar = zip("evil.jar", Map.of("/profiles/machine/etc/passwd", "x"));

            assertRefused(jar, "plugin jar " + jar + ": entry '/profiles/machine/etc/passwd' escapes"
                    + " profiles/machine/; the profile is refused");
        }

        @Test
        void aSymbolicLinkEntry() throws IOException {
            Path jar = zip("evil.jar", Map.of("profiles/machine/proc/iomem", "x", "profiles/machine/link", "/etc"));
            markSymlink(jar, "profiles/machine/link");

            assertRefused(jar, "plugin jar " + jar + ": entry 'profiles/machine/link' is a symbolic link;"
                    + " the profile is refused");
        }

        private void assertRefused(Path jar, String message) {
            Path into = tmp.resolve("into");
            assertThatThrownBy(() -> PluginProfiles.extract(jar, "machine", () -> into))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNSAFE))
                    .hasMessage(message);
            assertThat(into).doesNotExist();
            assertThat(tmp.resolve("escaped")).doesNotExist();
        }
    }

    private Path zip(String name, Map<String, String> entries) throws IOException {
        Path jar = tmp.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream out = new ZipOutputStream(file)) {
            for (Map.Entry<String, String> e : new LinkedHashMap<>(entries).entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Rewrite an entry's central directory record as a Unix symbolic link (ZipOutputStream cannot write one). */
    private static void markSymlink(Path jar, String entry) throws IOException {
        byte[] bytes = Files.readAllBytes(jar);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = entry.getBytes(StandardCharsets.UTF_8);
        for (int pos = 0; pos + 46 < bytes.length; pos++) {
            if (b.getInt(pos) == 0x02014b50 && b.getShort(pos + 28) == name.length
                    && new String(bytes, pos + 46, name.length, StandardCharsets.UTF_8).equals(entry)) {
                b.putShort(pos + 4, (short) (3 << 8 | 20));
                b.putInt(pos + 38, 0120777 << 16);
                Files.write(jar, bytes);
                return;
            }
        }
        throw new IllegalStateException("no central record for " + entry);
    }
}
