package io.handoff.platforms.ia64;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.api.plan.Segment;
import io.handoff.core.plan.HandoffImage;
import io.handoff.simulator.Corruption;
import io.handoff.simulator.Handoff;
import io.handoff.simulator.HostPurgatory;
import io.handoff.simulator.ReferenceMachine;
import io.handoff.simulator.StepRun;
import io.handoff.simulator.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin's real plans run by the real purgatory runtime with the ia64 steps' host build on the reference
 * machine, against the reference firmware built from the bundled profile.
 */
class Ia64SimulationTests {
    static final HostPurgatory HOST = HostPurgatory.load(new Ia64Simulator());

    @TempDir
    Path tmp;

    Path kernel;
    Path initrd;

    @BeforeEach
    void files() throws IOException {
        kernel = Ia64Files.vmlinux(tmp, "vmlinux", 0x8000, 0x10000, 0x20000);
        initrd = tmp.resolve("initrd");
        Files.write(initrd, new byte[0x5000]);
    }

    static ReferenceMachine machine(ReferenceMachine.Options options) {
        return new ReferenceMachine(HOST, options, Optional.of(new Ia64Simulator()), Ia64Steps.ALL);
    }

    Trace run(HandoffImage image, ReferenceMachine.Options options) {
        return machine(options).run(image);
    }

    static long mem(HandoffImage image, String role) {
        return image.segments().stream().filter(s -> s.role().equals(role)).mapToLong(Segment::mem).findFirst()
                .orElseThrow();
    }

    @Nested
    class Kdump {
        HandoffImage image;
        Trace trace;

        @BeforeEach
        void run() {
            image = Ia64Files.plan(Ia64Files.profile(), Ia64Files.kdump(kernel, Optional.of(initrd), "root=/dev/sda2"));
            trace = Ia64SimulationTests.this.run(image, ReferenceMachine.Options.defaults());
        }

        @Test
        void jumpsToTheMovedEntryWithR28TheNewBootParam() {
            long bootParam = mem(image, "boot-param");
            assertThat(trace.handoff()).isInstanceOfSatisfying(Handoff.Jumped.class, j -> {
                assertThat(j.entry()).isEqualTo(0x10000000L);
                assertThat(j.register("r28")).isEqualTo(bootParam);
            });
            assertThat(trace.mainSteps()).extracting(r -> r.step().name() + " " + r.outcome()).containsExactly(
                    "console COMPLETED", "print COMPLETED", "verify-digests COMPLETED", "ia64-boot-param COMPLETED",
                    "ia64-efi-memmap COMPLETED", "ia64-svam-hook COMPLETED", "ia64-jump HANDED_OFF");
            assertThat(trace.total()).isLessThanOrEqualTo(trace.budget().orElseThrow());
        }

        @Test
        void printsEachIa64StepOnTheConsole() {
            long bootParam = mem(image, "boot-param");
            assertThat(trace.lines()).contains(
                    String.format("purgatory: boot_param %#x from r28 0x7ff0000", bootParam),
                    String.format("purgatory: efi memmap 0x7ff4000 12 descriptors -> %#x 16 descriptors",
                            mem(image, "efi-memmap")),
                    String.format("purgatory: SetVirtualAddressMap hook %#x at 0x3fb00200",
                            mem(image, "cmdline") + 64),
                    String.format("purgatory: jump to 0x10000000 r28=%#x", bootParam));
        }

        @Test
        void handsTheCaptureKernelALoaderDataDescriptorAtElfcorehdr() {
            long elf = mem(image, "elfcorehdr");
            assertThat(trace.events()).contains(String.format("elfcorehdr=%#x: a LOADER_DATA descriptor starts there "
                    + "(the capture kernel can reserve it)", elf));
            // the kernel's range: the old LOADER_DATA became CONVENTIONAL, the capture kernel's pieces LOADER_DATA
            assertThat(trace.events()).contains(
                    "  CONVENTIONAL 0x000004000000-0x000007ffffff UC|WC|WT|WB",
                    "  CONVENTIONAL 0x000008000000-0x00000fffffff UC|WC|WT|WB",
                    "  LOADER_DATA  0x000010000000-0x00001003ffff UC|WC|WT|WB",
                    String.format("  LOADER_DATA  %#014x-%#014x UC|WC|WT|WB  <- elfcorehdr", elf, elf + 4095),
                    "  CONVENTIONAL 0x00003f600000-0x00003f7fffff UC");
        }

        @Test
        void hooksSetVirtualAddressMapAndResetsTheConsolePosition() {
            long stub = mem(image, "cmdline") + 64;
            assertThat(trace.events()).contains(String.format("SetVirtualAddressMap descriptor at 0x3fb00200: entry "
                    + "%#x (was 0xe00000003fb40200), the 16-byte stub returning EFI_SUCCESS", stub));
            assertThat(trace.events()).anyMatch(e -> e.startsWith(String.format("boot_param at %#x (r28): "
                    + "command_line %#x, efi_systab 0x3fb00000, efi_memmap %#x (768 bytes, descriptor 48), console "
                    + "80x25 at 0,0, initrd %#x+0x5000", mem(image, "boot-param"), mem(image, "cmdline"),
                    mem(image, "efi-memmap"), mem(image, "initrd"))));
        }

        @Test
        void aCorruptedKernelReachesTheFallback() {
            Trace t = Ia64SimulationTests.this.run(image, ReferenceMachine.Options.defaults()
                    .corrupt(new Corruption("kernel", 0x100)));
            assertThat(t.handoff()).isEqualTo(new Handoff.Halted(Ia64Steps.HALT_REQUIRED_STEP_FAILED));
            assertThat(t.lines()).contains("purgatory: digest mismatch in segment 0 (mem 0x10000000) chunk 0 "
                    + "at 0x10000000", "purgatory: halt, reason 1");
            assertThat(t.mainSteps()).filteredOn(r -> r.step().name().startsWith("ia64-"))
                    .allMatch(r -> r.outcome() == StepRun.Outcome.NOT_REACHED);
        }
    }

    @Test
    void saysWhenTheKernelIsTheSyntheticOne() throws IOException {
        HandoffImage image = Ia64Files.plan(Ia64Files.profile(), Ia64Files.kdump(Ia64Files.synthetic(tmp),
                Optional.empty(), "x"));
        Trace t = run(image, ReferenceMachine.Options.defaults());
        assertThat(t.events()).contains("the kernel at 0x10000000 is handoff's synthetic IA-64 vmlinux, not Linux (no "
                + "IA-64 kernel can be downloaded; it has Linux's layout and reports what it was handed on Ski)");
    }

    @Nested
    class Kexec {
        @Test
        void jumpsToTheLinkedEntryWithTheMapPatchedForTheKernelOnly() {
            HandoffImage image = Ia64Files.plan(Ia64Files.profile(), Ia64Files.kexec(kernel, Optional.empty(),
                    "root=/dev/sda2"));
            Trace t = run(image, ReferenceMachine.Options.defaults());
            assertThat(t.handoff()).isInstanceOfSatisfying(Handoff.Jumped.class, j -> {
                assertThat(j.entry()).isEqualTo(0x4000000L);
                assertThat(j.register("r28")).isEqualTo(mem(image, "boot-param"));
            });
            assertThat(t.events()).contains("  LOADER_DATA  0x000004000000-0x00000403ffff UC|WC|WT|WB",
                    "  CONVENTIONAL 0x000004040000-0x000007ffffff UC|WC|WT|WB", "command line: root=/dev/sda2");
        }
    }
}
