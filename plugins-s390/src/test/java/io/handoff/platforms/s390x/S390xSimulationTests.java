package io.handoff.platforms.s390x;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.core.plan.HandoffImage;
import io.handoff.simulator.Corruption;
import io.handoff.simulator.Handoff;
import io.handoff.simulator.HostPurgatory;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.StepRun;
import io.handoff.simulator.Trace;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin's real plans run by the real purgatory runtime, built big-endian (libhandoff-purgatory-host-be.so),
 * on the reference machine: probe, swap, PSW load, and the two fallbacks.
 */
class S390xSimulationTests {
    static final HostPurgatory BE = HostPurgatory.load(new S390xSimulator());

    @TempDir
    Path tmp;

    Path kernel;

    @BeforeEach
    void files() throws IOException {
        kernel = S390Files.image(tmp, "image", 2 * 1024 * 1024 + 0x777, 4096);
    }

    Trace run(String profile, boolean crash, ReferenceMachine.Options options) {
        HandoffImage image = S390Files.plan(S390Files.profile(profile), crash
                ? S390Files.kdump(kernel, Optional.empty(), "root=/dev/dasda1")
                : S390Files.kexec(kernel, Optional.empty(), "root=/dev/dasda1"));
        return machine(options).run(image);
    }

    /** The s390x machine: the plugin's own host library, simulator and step kinds. */
    static ReferenceMachine machine(ReferenceMachine.Options options) {
        S390xSimulator simulator = new S390xSimulator();
        return new ReferenceMachine(BE, options, Optional.of(simulator), S390xSteps.ALL);
    }

    static ReferenceMachine.Options corrupted() {
        return ReferenceMachine.Options.defaults().corrupt(new Corruption("kernel", 0x1234));
    }

    @Nested
    class Kdump {
        @Test
        void probesThenSwapsAndLoadsTheKdumpPsw() {
            Trace t = run("s390x-ccw-dump", true, ReferenceMachine.Options.defaults());
            assertThat(t.handoff()).isInstanceOfSatisfying(Handoff.Jumped.class, j -> {
                assertThat(j.entry()).isEqualTo(0x10010);
                assertThat(j.register(S390xSimulator.PSW_MASK)).isEqualTo(0x0000000180000000L);
            });
            assertThat(t.events()).anyMatch(e -> e.contains("with r2 = 0"))
                    .anyMatch(e -> e.contains("returned r2 = 0 (digests ok)"))
                    .anyMatch(e -> e.endsWith(": swapped"))
                    .anyMatch(e -> e.contains("lpswe: the CPU loads the PSW 0x0000000180000000 0x0000000000010010"));
            assertThat(t.mainSteps()).extracting(r -> r.step().name() + " " + r.outcome()).containsExactly(
                    "verify-digests COMPLETED", "swap COMPLETED", "copy COMPLETED", "load-psw HANDED_OFF");
            assertThat(t.consoleLines()).isEmpty();
            assertThat(t.total()).isLessThanOrEqualTo(t.budget().orElseThrow());
        }

        @Test
        void corruptionAfterTheProbeReiplsTheCcwDumpDevice() {
            Trace t = run("s390x-ccw-dump", true, corrupted());
            assertThat(t.handoff()).isInstanceOfSatisfying(Handoff.Stopped.class, r -> {
                assertThat(r.stepKind()).isEqualTo(S390xSteps.DUMP_REIPL.code());
                assertThat(r.description()).isEqualTo("re-IPLed the dump tool (diag 308): ccw dump device 0.0.5219 "
                        + "(version 0, 200 bytes) (the stand-alone dump tool writes the dump)");
                assertThat(r.data()).hasSize(200);
            });
            assertThat(t.events()).anyMatch(e -> e.startsWith("diag 308 subcode 5 (SET), 200-byte IPL parameter block"))
                    .anyMatch(e -> e.startsWith("diag 308 subcode 4 (LOAD_NORMAL_DUMP) -> rc 0x0001"));
            assertThat(t.mainSteps()).allMatch(r -> r.outcome() == StepRun.Outcome.UNKNOWN);
            assertThat(t.fallbackSteps()).extracting(StepRun::outcome)
                    .containsExactly(StepRun.Outcome.HANDED_OFF, StepRun.Outcome.NOT_REACHED);
        }

        @Test
        void fcpDumpDeviceDecodesWithWwpnAndLun() {
            Trace t = run("s390x-fcp-dump", true, corrupted());
            assertThat(t.handoff()).isInstanceOfSatisfying(Handoff.Stopped.class, r -> assertThat(r.description())
                    .contains("fcp dump device 0.0.1700 wwpn 0x500507630300c562 lun 0x4010400000000000 bootprog 0 "
                            + "br_lba 0 (version 0, 644 bytes)"));
        }

        @Test
        void withoutADumpDeviceTheCpuStopsWithTheCode() {
            Trace t = run("s390x-no-dump", true, corrupted());
            assertThat(t.handoff()).isInstanceOfSatisfying(Handoff.Stopped.class, w -> {
                assertThat(w.stepKind()).isEqualTo(S390xSteps.DISABLED_WAIT.code());
                assertThat(w.code()).isEqualTo(S390xDisabledWait.NO_DUMP_DEVICE);
            });
            assertThat(t.events()).anyMatch(e -> e.contains("disabled-wait PSW 0x0002000180000000 0x0000000048460001"));
        }

        @Test
        void corruptionBeforeTheProbeKeepsTheKernelFromEnteringPurgatory() {
            Trace t = run("s390x-ccw-dump", true, corrupted().corruptBeforeProbe(true));
            assertThat(t.handoff()).isEqualTo(new Handoff.ProbeFailed(1, Optional.empty()));
            assertThat(t.steps()).allMatch(r -> r.outcome() == StepRun.Outcome.NOT_REACHED);
        }

        @Test
        void theProbeChangesNoMemory() {
            Trace t = run("s390x-ccw-dump", true, corrupted().corruptBeforeProbe(true));
            assertThat(t.events()).noneMatch(e -> e.contains("lpswe") || e.contains("diag 308"));
        }
    }

    @Nested
    class Kexec {
        @Test
        void entersTheNormalEntryWithoutProbeIn31BitMode() {
            Trace t = run("s390x-ccw-dump", false, ReferenceMachine.Options.defaults());
            // as an IPL and the kernel's own kexec enter the image: 31-bit addressing (BA only)
            assertThat(t.handoff()).isInstanceOfSatisfying(Handoff.Jumped.class, j -> {
                assertThat(j.entry()).isEqualTo(0x10000);
                assertThat(j.register(S390xSimulator.PSW_MASK)).isEqualTo(0x0000000080000000L);
            });
            assertThat(t.events()).noneMatch(e -> e.contains("r2 = 0"));
        }
    }

    @Nested
    class DebianKernel {
        @Test
        void theRealImagePlansAndHandsOver() {
            Path cache = Path.of(System.getProperty("user.home"), ".cache/handoff/debian-kernel-s390x");
            Optional<Path> real = Optional.ofNullable(System.getenv("HANDOFF_TEST_KERNEL_S390X")).map(Path::of)
                    .or(() -> newest(cache));
            org.junit.jupiter.api.Assumptions.assumeTrue(real.isPresent(),
                    "no s390x kernel: run framework/launcher/src/dist/libexec/debian-kernel-s390x.sh");
            HandoffImage image = S390Files.plan(S390Files.profile("s390x-ccw-dump"),
                    S390Files.kdump(real.get(), Optional.empty(), "root=/dev/dasda1"));
            assertThat(image.plan().facts().get("kernel version")).startsWith("6.").contains("s390x");
            Trace t = machine(ReferenceMachine.Options.defaults()).run(image);
            assertThat(t.handoff()).isInstanceOf(Handoff.Jumped.class);
        }

        private Optional<Path> newest(Path cache) {
            try (var versions = Files.list(cache)) {
                return versions.flatMap(v -> {
                    try (var boot = Files.list(v.resolve("boot"))) {
                        return boot.filter(f -> f.getFileName().toString().startsWith("vmlinuz-")).toList().stream();
                    } catch (IOException e) {
                        return java.util.stream.Stream.empty();
                    }
                }).sorted().reduce((a, b) -> b);
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }
}
