package io.handoff.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.handoff.core.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the reference machine: the built x86_64 and efi plugins plan {@code --assist efi-warm-reboot} for a
 * Debian kernel on the q35 OVMF profile, and the real purgatory runtime writes the crash marker, calls the simulated
 * firmware's SetVariable(BootNext) and ResetSystem(EfiResetWarm) through the planned page tables, and falls back to
 * classic kdump, then to port 0xCF9, when the firmware misbehaves.
 *
 * <p>Skipped, saying so, without a Debian kernel (as {@link SimulatedHandoffTests}).
 */
class SimulatedEfiAssistTests {
    @TempDir
    Path tmp;

    Path plugins;
    Path kernel;

    @BeforeEach
    void setUp() throws IOException {
        Optional<Path> k = SimulatedHandoffTests.debianKernel();
        assumeTrue(k.isPresent(), "no Debian kernel in /boot or ~/.cache/handoff/debian-kernel");
        kernel = k.get();
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        for (String module : List.of("plugins-x86_64", "plugins-efi")) {
            try (Stream<Path> s = Files.list(Path.of("../../" + module + "/target"))) {
                Path jar = s.filter(p -> p.getFileName().toString().matches(module + "-[0-9].*\\.jar")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no " + module + " jar; build it first"));
                Files.copy(jar, plugins.resolve(jar.getFileName()));
            }
        }
    }

    CliRun simulate(String... extra) {
        List<String> args = new ArrayList<>(List.of("simulate", "--plugins", plugins.toString(), "--root",
                Fixtures.bundledProfile("qemu-q35-ovmf-x86_64-2g").toString(), "--kernel", kernel.toString(),
                "--assist", "efi-warm-reboot"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Nested
    class WhenTheFirmwareBehaves {
        @Test
        void thePlanShowsTheRecordTheMarkerAndThePageTables() {
            CliRun run = simulate();
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.lines()).contains("Crash assist efi-warm-reboot:",
                    "  assist: efi-warm-reboot: BootNext=Boot4846, then ResetSystem(EfiResetWarm); fallback: classic "
                            + "kdump, then a warm reset through port 0xCF9");
            assertThat(run.out()).containsPattern("  crash marker: 0x[0-9a-f]+ \\(16 bytes after the ELF core header\\)"
                            + ": [0-9a-f]{32}")
                    .containsPattern("  handoff record: HandoffRecord-3d1300c0-6df2-4c98-bd64-ac92e6d281fd, \\d+ bytes:"
                            + " kernel \\\\EFI\\\\handoff\\\\[0-9a-f]{8}\\\\vmlinuz, \\d+ dumped ranges")
                    .containsPattern("  record: command line: .*elfcorehdr=.*memmap=exactmap")
                    .containsPattern("  EFI page tables: 0x[0-9a-f]+, \\d+ bytes: \\[0, 0x100000000\\) one to one and "
                            + "7 runtime regions");
        }

        @Test
        void purgatorySetsBootNextToTheResumeEntryAndResetsWarm() {
            CliRun run = simulate();
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains(
                    "EFI SetVariable(BootNext-8be4df61-93ca-11d2-aa0d-00e098032b8c: attributes 0x7, 2 bytes 46 48) -> "
                            + "0x0 (EFI_SUCCESS)",
                    "  variable BootNext-8be4df61-93ca-11d2-aa0d-00e098032b8c: attributes 0x7, 2 bytes 46 48",
                    "Outcome: purgatory called the UEFI firmware: EFI ResetSystem(EfiResetWarm): the firmware resets "
                            + "the machine; BootNext=0x4846: it boots Boot4846 next.");
            // the notes are copied into the header's segment and the PT_NOTE entries pointed at the copies first
            assertThat(run.out()).containsPattern("  crash notes: 3 PT_NOTE entries \\(\\d+ bytes\\) copied by purgatory"
                    + " to 0x[0-9a-f]+, in the ELF core header's segment")
                    .contains("] purgatory: copied 368 bytes 0x7d03a400 -> 0x7af5d810");
            // the marker is written before the firmware is called, and the jump step is never reached
            assertThat(run.out()).containsPattern("purgatory: wrote 16 bytes at 0x[0-9a-f]+\n.*purgatory: EFI call "
                    + "SetVariable at 0xfffffffe");
            assertThat(run.out()).doesNotContain("purgatory: jump to");
        }
    }

    @Nested
    class WhenTheFirmwareFails {
        @Test
        void aFailedSetVariableSkipsTheResetAndFallsBackToClassicKdump() {
            CliRun run = simulate("--efi", "set-variable:fail");
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("-> 0x8000000000000007",
                    "(efi-call-x86_64) skipped: the step before did not succeed",
                    "handoff: the firmware path did not reset the machine; classic kdump",
                    "(as planned): the new kernel would start now.");
            assertThat(run.out()).doesNotContain("EFI ResetSystem(EfiResetWarm)");
        }

        @Test
        void aResetSystemThatReturnsFallsBackToClassicKdump() {
            CliRun run = simulate("--efi", "reset-system:return");
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("(efi-call-x86_64) failed: EFI ResetSystem returned 0x0",
                    "handoff: the firmware path did not reset the machine; classic kdump",
                    "(as planned): the new kernel would start now.");
        }

        @Test
        void aCorruptedKernelTakesTheFirmwarePathFromTheFallbackAndThenPortCf9() {
            CliRun run = simulate("--corrupt", "kernel:0x100", "--efi", "reset-system:return");
            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("handoff: the capture kernel in memory is unusable; EFI-assisted dump from "
                            + "the disk",
                    "EFI SetVariable(BootNext-8be4df61-93ca-11d2-aa0d-00e098032b8c: attributes 0x7, 2 bytes 46 48) -> "
                            + "0x0 (EFI_SUCCESS)",
                    "(efi-call-x86_64) failed: EFI ResetSystem returned 0x0; continuing",
                    "Outcome: purgatory reset the machine (method 2, port 0xcf9): the fallback ran instead of the new "
                            + "kernel.");
        }
    }

    @Nested
    class Refusals {
        @Test
        void anAssistOptionTheAssistDoesNotReadIsRefusedNamingTheKnownOnes() {
            CliRun r = CliRun.of("plan", "--plugins", plugins.toString(), "--root",
                Fixtures.bundledProfile("qemu-q35-ovmf-x86_64-2g").toString(), "--kernel", kernel.toString(), "--crash",
                "--assist", "efi-warm-reboot", "--assist-option", "eps=/boot/efi", "--out", tmp.resolve("b").toString());
            assertThat(r.code()).isEqualTo(io.handoff.api.FailureKind.USAGE.exitCode());
            assertThat(r.err()).contains("--assist-option eps: not an option of assist efi-warm-reboot (it knows "
                    + "esp); did you mean esp?");
        }

        @Test
        void aBiosProfileIsRefusedWithTheReason() {
            List<String> args = List.of("simulate", "--plugins", plugins.toString(), "--root",
                    Fixtures.profile("qemu-pc-x86_64-1g").toString(), "--kernel", kernel.toString(), "--assist",
                    "efi-warm-reboot");
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.code()).isNotZero();
            assertThat(r.err()).contains("efi-warm-reboot").contains("UEFI");
        }
    }
}
