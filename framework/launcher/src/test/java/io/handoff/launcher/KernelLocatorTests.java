package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.DebianKernel;
import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.SystemView;
import io.handoff.api.plan.PlanContext;
import io.handoff.api.plan.PlatformPlan;
import io.handoff.api.spi.Platform;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a kernel is found for a platform when none is given: the host's /boot only for the host's own
 * architecture, else the Debian package the platform names, through the distribution's download script.
 */
class KernelLocatorTests {
    static final Platform BIG_IRON = platform("big", Set.of("s390x"), Optional.of(new DebianKernel("s390x", "s390x")));

    @TempDir
    Path tmp;

    Path boot;
    Path home;
    StringWriter err;

    @BeforeEach
    void bootAndHome() throws IOException {
        boot = Files.createDirectories(tmp.resolve("boot"));
        Files.write(boot.resolve("vmlinuz-6.1.0-9-amd64"), new byte[16]);
        Files.write(boot.resolve("vmlinuz-6.1.0-10-amd64"), new byte[16]);
        home = tmp.resolve("home");
        err = new StringWriter();
    }

    @Nested
    class OnTheHostsOwnArchitecture {
        @Test
        void theNewestBootKernelIsTaken() {
            Path found = KernelLocator.forPlatform(BIG_IRON, "s390x", boot, home).find(new PrintWriter(err, true));

            assertThat(found).isEqualTo(boot.resolve("vmlinuz-6.1.0-10-amd64"));
            assertThat(err.toString()).contains("using the running system's " + found);
        }
    }

    @Nested
    class OnAnotherArchitecture {
        @Test
        void bootIsIgnoredAndTheScriptIsAskedForThePlatformsDebianKernel() throws IOException {
            Path kernel = Files.write(tmp.resolve("vmlinuz-6.1.0-50-s390x"), new byte[16]);
            Path asked = tmp.resolve("asked");
            script("echo \"$@\" > '" + asked + "'\necho '" + kernel + "'\n");

            Path found = KernelLocator.forPlatform(BIG_IRON, "amd64", boot, home).find(new PrintWriter(err, true));

            assertThat(found).isEqualTo(kernel);
            assertThat(asked).hasContent("s390x s390x");
            assertThat(err.toString()).contains("using the Debian kernel " + kernel);
        }

        @Test
        void theDownloadIsAnnouncedBeforeItHappens() throws IOException {
            Path kernel = Files.write(tmp.resolve("vmlinuz-6.1.0-50-s390x"), new byte[16]);
            script("echo 'debian-kernel.sh: downloading linux-image-6.1.0-50-s390x (s390x, 60 MB) into /c, keeping"
                    + " only boot/' >&2\necho 'chatter' >&2\necho '" + kernel + "'\n");

            KernelLocator.forPlatform(BIG_IRON, "amd64", boot, home).find(new PrintWriter(err, true));

            assertThat(err.toString()).startsWith("debian-kernel.sh: downloading linux-image-6.1.0-50-s390x (s390x,"
                    + " 60 MB) into /c, keeping only boot/").doesNotContain("chatter")
                    .contains("using the Debian kernel " + kernel);
        }

        @Test
        void theScriptsLastErrorLineIsTheReason() throws IOException {
            script("echo 'resolving' >&2\necho 'debian-kernel.sh: cannot resolve linux-image-s390x:s390x' >&2\nexit 3\n");

            assertThatThrownBy(() -> KernelLocator.forPlatform(BIG_IRON, "amd64", boot, home).find(new PrintWriter(err)))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.UNREADABLE_FILE))
                    .hasMessage("this host does not run big and debian-kernel.sh: cannot resolve"
                            + " linux-image-s390x:s390x; pass --kernel FILE");
        }

        @Test
        void aPlatformWithoutDebianKernelNeedsKernel() {
            Platform bare = platform("bare", Set.of(), Optional.empty());

            assertThatThrownBy(() -> KernelLocator.forPlatform(bare, "amd64", boot, home).find(new PrintWriter(err)))
                    .isInstanceOf(HandoffException.class)
                    .hasMessage("this host does not run bare and platform bare names no Debian kernel package;"
                            + " pass --kernel FILE");
        }
    }

    @Nested
    class AKernelBundledWithTheProfile {
        static final Platform BARE = platform("bare", Set.of("s390x"), Optional.empty());

        Path profile;

        @BeforeEach
        void profileWithKernels() throws IOException {
            profile = Files.createDirectories(tmp.resolve("bare-machine/boot"));
            Files.write(profile.resolve("vmlinux-6.1.0-9"), new byte[16]);
            Files.write(profile.resolve("vmlinuz-6.1.0-10"), new byte[16]);
            Files.write(profile.resolve("config-6.1.0-11"), new byte[16]);
            profile = profile.getParent();
        }

        @Test
        void withoutDebianKernelTheProfilesNewestIsTakenAndNamed() {
            Path found = KernelLocator.forPlatform(BARE, "amd64", boot, home, Optional.of(profile))
                    .find(new PrintWriter(err, true));

            assertThat(found).isEqualTo(profile.resolve("boot/vmlinuz-6.1.0-10"));
            assertThat(err.toString()).isEqualTo("handoff: no --kernel given; using the kernel bundled with profile"
                    + " bare-machine: " + found + System.lineSeparator());
        }

        @Test
        void theHostsBootComesFirstOnANativeHost() {
            Path found = KernelLocator.forPlatform(BARE, "s390x", boot, home, Optional.of(profile))
                    .find(new PrintWriter(err, true));

            assertThat(found).isEqualTo(boot.resolve("vmlinuz-6.1.0-10-amd64"));
        }

        @Test
        void aNativeHostWithoutBootKernelTakesTheProfiles() throws IOException {
            Path empty = Files.createDirectories(tmp.resolve("empty-boot"));

            Path found = KernelLocator.forPlatform(BARE, "s390x", empty, home, Optional.of(profile))
                    .find(new PrintWriter(err, true));

            assertThat(found).isEqualTo(profile.resolve("boot/vmlinuz-6.1.0-10"));
        }

        @Test
        void theDebianKernelComesBeforeTheProfiles() throws IOException {
            Path kernel = Files.write(tmp.resolve("vmlinuz-6.1.0-50-s390x"), new byte[16]);
            script("echo '" + kernel + "'\n");

            Path found = KernelLocator.forPlatform(BIG_IRON, "amd64", boot, home, Optional.of(profile))
                    .find(new PrintWriter(err, true));

            assertThat(found).isEqualTo(kernel);
        }

        @Test
        void aFailedDebianDownloadFallsBackToTheProfiles() throws IOException {
            script("echo 'debian-kernel.sh: offline' >&2\nexit 3\n");

            Path found = KernelLocator.forPlatform(BIG_IRON, "amd64", boot, home, Optional.of(profile))
                    .find(new PrintWriter(err, true));

            assertThat(found).isEqualTo(profile.resolve("boot/vmlinuz-6.1.0-10"));
            assertThat(err.toString()).contains("handoff: this host does not run big and debian-kernel.sh: offline",
                    "using the kernel bundled with profile bare-machine: " + found);
        }

        @Test
        void aProfileWithoutKernelFailsAsBefore() throws IOException {
            Path bare = Files.createDirectories(tmp.resolve("no-kernel"));

            assertThatThrownBy(() -> KernelLocator.forPlatform(BARE, "amd64", boot, home, Optional.of(bare))
                    .find(new PrintWriter(err)))
                    .hasMessage("this host does not run bare and platform bare names no Debian kernel package;"
                            + " pass --kernel FILE");
        }

        @Test
        void theLiveMachineIsNoProfile() {
            assertThat(KernelLocator.profileOf(Path.of("/"))).isEmpty();
            assertThat(KernelLocator.profileOf(Path.of("/.."))).isEmpty();
            assertThat(KernelLocator.profileOf(profile)).contains(profile);
        }

        @Test
        void versionsCompareAfterThePrefixAndABareNameIsOldest() throws IOException {
            Files.write(profile.resolve("boot/vmlinux"), new byte[16]);
            Files.write(profile.resolve("boot/vmlinux-6.2"), new byte[16]);

            assertThat(KernelLocator.newestKernel(profile.resolve("boot"))).contains(profile.resolve("boot/vmlinux-6.2"));
        }
    }

    @Nested
    class TheDistributionsScript {
        Path script = Path.of("src/dist/libexec/debian-kernel.sh").toAbsolutePath();

        @Test
        void findsTheCachedKernelOfTheArchitectureAsked() throws Exception {
            Path cache = tmp.resolve("cache");
            Path amd64 = write(cache.resolve("debian-kernel/6.1.0-57-amd64/boot/vmlinuz-6.1.0-57-amd64"));
            Path s390x = write(cache.resolve("debian-kernel-s390x/6.1.0-50-s390x/boot/vmlinuz-6.1.0-50-s390x"));

            assertThat(run(cache, List.of())).isEqualTo(amd64.toString());
            assertThat(run(cache, List.of("amd64", "amd64"))).isEqualTo(amd64.toString());
            assertThat(run(cache, List.of("s390x", "s390x"))).isEqualTo(s390x.toString());
            assertThat(run(tmp.resolve("cache"), List.of("s390x"))).isEqualTo(s390x.toString());
        }

        @Test
        void theS390xNameIsTheSameScript() throws Exception {
            Path cache = tmp.resolve("cache");
            Path s390x = write(cache.resolve("debian-kernel-s390x/6.1.0-50-s390x/boot/vmlinuz-6.1.0-50-s390x"));

            ProcessBuilder pb = new ProcessBuilder("bash", script.resolveSibling("debian-kernel-s390x.sh").toString());
            pb.environment().put("HANDOFF_CACHE", cache.toString());
            assertThat(output(pb)).isEqualTo(s390x.toString());
        }

        @Test
        void refusesANameThatIsNoDebianWord() throws Exception {
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "s390x;rm", "s390x");
            pb.environment().put("HANDOFF_CACHE", tmp.toString());
            Process p = pb.start();
            assertThat(p.waitFor()).isEqualTo(2);
            assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("bad architecture or flavour");
        }

        private String run(Path cache, List<String> args) throws Exception {
            List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().put("HANDOFF_CACHE", cache.toString());
            return output(pb);
        }

        private String output(ProcessBuilder pb) throws Exception {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(p.waitFor()).as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
            return out;
        }

        private Path write(Path file) throws IOException {
            Files.createDirectories(file.getParent());
            return Files.write(file, new byte[16]);
        }
    }

    private void script(String body) throws IOException {
        Path script = home.resolve(KernelLocator.SCRIPT);
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Platform platform(String id, Set<String> hosts, Optional<DebianKernel> debian) {
        return new Platform() {
            @Override
            public String id() {
                return id;
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
            public Set<String> hostArchitectures() {
                return hosts;
            }

            @Override
            public Optional<DebianKernel> debianKernel() {
                return debian;
            }
        };
    }
}
