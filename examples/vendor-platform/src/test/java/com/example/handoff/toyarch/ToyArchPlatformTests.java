package com.example.handoff.toyarch;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.FailureKind;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.system.DirectorySystemView;
import io.handoff.core.testing.Fixtures;
import io.handoff.simulator.Handoff;
import io.handoff.simulator.HostPurgatory;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.StepRun;
import io.handoff.simulator.Trace;
import io.handoff.testkit.PlatformTestKit;
import io.handoff.testkit.Scenario;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin as handoff loads it (its jar, through PF4J and the real planner) on the reference machine, running
 * its purgatory's host build: where the kernel and boot info go, the toy-enter step's operands, the jump, and
 * what the boot doorbell saw.
 */
class ToyArchPlatformTests {
    @TempDir
    Path tmp;

    PlatformTestKit kit(Scenario scenario) {
        return PlatformTestKit.platform("toyarch").pluginsDir(ToyArchFixtures.pluginsDir())
                .profile(ToyArchFixtures.profile()).kernel(ToyArchFixtures.kernel(tmp)).commandLine("console=ttyS0")
                .scenario(scenario);
    }

    static Segment segment(HandoffImage image, String role) {
        return image.segments().stream().filter(s -> s.role().equals(role)).findFirst().orElseThrow();
    }

    @Test
    void aKdumpRingsTheDoorbellAndEntersTheKernelWithA0AtTheBootInfo() {
        PlatformTestKit.Execution run = kit(Scenario.KDUMP).execute().assertAsExpected();
        HandoffImage image = run.image().orElseThrow();
        Segment kernel = segment(image, "kernel");
        Segment bootInfo = segment(image, "bootinfo");
        // bottom-up at 64 KiB inside the crash region 0x8000000-0xbffffff; memsz is the header's, page rounded
        assertThat(kernel.mem()).isEqualTo(0x800_0000L);
        assertThat(kernel.memsz()).isEqualTo(0x3_0000L);
        assertThat(bootInfo.mem()).isBetween(0x800_0000L, 0xbff_ffffL);
        long entry = kernel.mem() + 0x40;

        Handoff.Jumped jumped = run.jumped();
        assertThat(jumped.entry()).isEqualTo(entry);
        assertThat(jumped.registers()).containsEntry("pc", entry).containsEntry("a0", bootInfo.mem());
        assertThat(image.plan().entry()).isEqualTo(entry);

        StepRun enter = run.trace().mainSteps().get(run.trace().mainSteps().size() - 1);
        assertThat(enter.step().kind()).isEqualTo(0x100);
        assertThat(enter.step().operands()).containsExactly(entry, bootInfo.mem());
        assertThat(enter.outcome()).isEqualTo(StepRun.Outcome.HANDED_OFF);
        run.assertConsoleLine(String.format("purgatory: toy enter %#x arg %#x", entry, bootInfo.mem()));
        assertThat(run.trace().events()).contains(
                String.format("toy boot controller: doorbell rung with %#x, acknowledged", entry),
                String.format("toy boot controller: the next kernel starts at %#x, as the doorbell said", entry));
        assertThat(run.report()).contains("toy-enter", String.format("entered the toy kernel at %#x with a0=%#x",
                entry, bootInfo.mem()));
    }

    @Test
    void theBootInfoCarriesTheCommandLineAndTheCaptureRegion() {
        HandoffImage image = kit(Scenario.KDUMP).execute().image().orElseThrow();
        byte[] info = ((SegmentData.Bytes) segment(image, "bootinfo").data()).data();
        ByteBuffer b = ByteBuffer.wrap(info).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(info, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("TOYB");
        assertThat(b.getInt(4)).isEqualTo(1);
        assertThat(b.getLong(8)).isZero();
        String line = "console=ttyS0 toyarch.capture=0x8000000-0xbffffff";
        assertThat(b.getLong(24)).isEqualTo(line.length());
        assertThat(new String(Arrays.copyOfRange(info, 32, 32 + line.length()), StandardCharsets.US_ASCII))
                .isEqualTo(line);
        assertThat(image.plan().commandLine()).isEqualTo(line);
    }

    @Test
    void aRebootPlacesTheKernelAtTheFirstFree64KiBAbove1MiB() {
        PlatformTestKit.Execution run = kit(Scenario.KEXEC_REBOOT).execute().assertAsExpected();
        assertThat(segment(run.image().orElseThrow(), "kernel").mem()).isEqualTo(0x10_0000L);
        run.assertConsoleContains("handoff: purgatory for toyarch kexec, ");
    }

    @Test
    void aKernelThatIsNotToykIsRefused() throws IOException {
        Path other = Files.write(tmp.resolve("bzImage"), new byte[0x2000]);
        PlatformTestKit.Execution run = kit(Scenario.KDUMP).kernel(other).execute()
                .assertRefused(FailureKind.UNSUPPORTED_IMAGE);
        assertThat(run.trace().handoff()).isInstanceOfSatisfying(Handoff.Refused.class, r -> assertThat(r.describe())
                .contains(other + ": not a toyarch kernel: no \"TOYK\" magic at offset 0"));
    }

    @Test
    void aDoorbellThatNeverAcknowledgesEndsInTheHaltFallback() {
        HandoffImage image = kit(Scenario.KDUMP).execute().image().orElseThrow();
        ToyArchSimulator stuck = new ToyArchSimulator(true);
        Trace t = new ReferenceMachine(HostPurgatory.load(stuck), ReferenceMachine.Options.defaults(),
                Optional.of(stuck), ToyArchSteps.ALL).run(image);
        assertThat(t.handoff()).isInstanceOfSatisfying(Handoff.Halted.class, h -> assertThat(h.reason()).isEqualTo(1));
        assertThat(t.lines()).contains("purgatory: step 3 (toy-enter) failed: boot doorbell not acknowledged, ack 0x0; "
                + "running fallback", "handoff: toyarch purgatory: a required step failed, halting");
    }

    @Test
    void detectsOnlyAMachineWithProcToyarch() {
        ToyArchPlatform platform = new ToyArchPlatform();
        assertThat(platform.detect(new DirectorySystemView(ToyArchFixtures.profile()))).isTrue();
        assertThat(platform.detect(new DirectorySystemView(Fixtures.profile("qemu-pc-x86_64-1g")))).isFalse();
    }

    @Test
    void declaresItsOneKindInItsOwnRange() {
        assertThat(new ToyArchPlatform().architectureSteps().codes()).extracting(Object::toString)
                .containsExactly("256..271");
        assertThat(ToyArchSteps.ALL.byCode(0x100).orElseThrow().summary(List.of(0x8000040L, 0x80ff000L)))
                .isEqualTo("entry=0x8000040 argument=0x80ff000");
    }
}
