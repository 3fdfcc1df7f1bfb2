package io.handoff.platforms.x86_64;

import io.handoff.core.testing.Fixtures;
import io.handoff.core.system.ProfileMachine;
import io.handoff.core.system.IomemParser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.CaptureMemoryMap;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CrashMemoryTests {
    static final long BACKUP_COPY = 0x3DF61000L; // where kexec-tools put the backup in the guest (seg5)
    static final long ELF_HEADER = 0x3DF5D000L; // and the ELF core header (seg4, elfcorehdr=1015156K)

    static CrashMemory qemu() {
        return CrashMemory.of(ProfileMachine.at(Fixtures.profile("qemu-pc-x86_64-1g")).iomem());
    }

    static MemoryRange r(long start, long end, RangeType type) {
        return new MemoryRange(start, end, type);
    }

    static final RangeType RAM = RangeType.RAM;
    static final RangeType RES = RangeType.RESERVED;

    @Nested
    class QemuGuest {
        @Test
        void matchesKexecToolsCrashMemoryRanges() {
            // "CRASH MEMORY RANGES" of the guest's kexec -p -d (qemu-kdump-howto.md): type 0 RAM, 1 reserved
            assertThat(qemu().ranges()).containsExactly(
                    r(0x0, 0xFFF, RES),
                    r(0x1000, 0x9FBFF, RAM),
                    r(0x9FC00, 0x9FFFF, RES),
                    r(0xF0000, 0xFFFFF, RES),
                    r(0x100000, 0x2DFFFFFFL, RAM),
                    r(0x3E000000L, 0x3FFDFFFFL, RAM),
                    r(0x3FFE0000L, 0x3FFFFFFFL, RES),
                    r(0xFFFC0000L, 0xFFFFFFFFL, RES),
                    r(0xFD00000000L, 0xFFFFFFFFFFL, RES));
        }

        @Test
        void dumpsTheRamOutsideTheCrashRegion() {
            assertThat(qemu().ram()).containsExactly(
                    r(0x1000, 0x9FBFF, RAM), r(0x100000, 0x2DFFFFFFL, RAM), r(0x3E000000L, 0x3FFDFFFFL, RAM));
        }

        @Test
        void backsUpTheFirstLowRamRange() {
            CrashMemory memory = qemu();

            assertThat(memory.backupSource()).isEqualTo(r(0x1000, 0x9FBFF, RAM));
            assertThat(memory.backupSize()).isEqualTo(0x9EC00); // seg5 bufsz
        }

        @Test
        void loadsIntoTheCrashKernelRegion() {
            assertThat(qemu().loadRegion()).isEqualTo(r(0x2E000000L, 0x3DFFFFFFL, RAM));
        }

        @Test
        void buildsTheCaptureKernelsMemoryMap() {
            CaptureMemoryMap map = qemu().captureMap(BACKUP_COPY, ELF_HEADER, CrashMemory.elfHeaderMemsz(0x400));

            assertThat(map.ranges()).containsExactly(
                    r(0x0, 0xFFF, RES),
                    r(0x1000, 0x9FBFF, RAM),
                    r(0x9FC00, 0x9FFFF, RES),
                    r(0xF0000, 0xFFFFF, RES),
                    r(0x2E000000L, 0x3DF5CFFFL, RAM),
                    // kexec-tools removes only the 1 KiB-rounded backup size, not the page-rounded memsz
                    r(0x3DFFFC00L, 0x3DFFFFFFL, RAM),
                    r(0x3FFE0000L, 0x3FFFFFFFL, RES),
                    r(0xFFFC0000L, 0xFFFFFFFFL, RES),
                    r(0xFD00000000L, 0xFFFFFFFFFFL, RES));
        }
    }

    @Nested
    class Classification {
        @Test
        void keepsOnlyKexecToolsTypesAtAnyDepth() {
            Iomem iomem = iomem("""
                    00000000-00000fff : reserved
                    00001000-0009ffff : System RAM
                    000a0000-000fffff : PCI Bus 0000:00
                    00100000-0fffffff : System RAM
                      01000000-01ffffff : Kernel code
                      02000000-02ffffff : reserved
                      08000000-0bffffff : Crash kernel
                    10000000-1000ffff : ACPI Tables
                    10010000-1001ffff : ACPI Non-volatile Storage
                    10020000-1002ffff : ACPI Tables extra
                    20000000-2fffffff : Persistent Memory (legacy)
                    30000000-3fffffff : Persistent Memory
                      30000000-37ffffff : System RAM (kmem)
                    40000000-4fffffff : Unknown E820 type
                    """);

            assertThat(CrashMemory.of(iomem).ranges()).containsExactly(
                    r(0x0, 0xFFF, RES),
                    r(0x1000, 0x9FFFF, RAM),
                    r(0x100000, 0x7FFFFFF, RAM),
                    r(0xC000000, 0xFFFFFFF, RAM),
                    r(0x2000000, 0x2FFFFFF, RES),
                    r(0x10000000, 0x1000FFFF, RangeType.ACPI),
                    r(0x10010000, 0x1001FFFF, RangeType.ACPI_NVS),
                    r(0x20000000, 0x2FFFFFFF, RangeType.PRAM),
                    r(0x30000000, 0x3FFFFFFF, RangeType.PMEM),
                    r(0x30000000, 0x37FFFFFF, RAM));
        }

        @Test
        void cutsOutEveryCrashRegionAndTheGart() {
            Iomem iomem = iomem("""
                    00001000-0009ffff : System RAM
                    00100000-7fffffff : System RAM
                      04000000-07ffffff : GART
                      10000000-17ffffff : Crash kernel
                      30000000-3fffffff : Crash kernel
                    """);

            CrashMemory memory = CrashMemory.of(iomem);

            assertThat(memory.ranges()).containsExactly(
                    r(0x1000, 0x9FFFF, RAM),
                    r(0x100000, 0x3FFFFFF, RAM),
                    r(0x8000000, 0xFFFFFFF, RAM),
                    r(0x18000000, 0x2FFFFFFF, RAM),
                    r(0x40000000, 0x7FFFFFFF, RAM));
            assertThat(memory.crashRegions()).containsExactly(
                    r(0x10000000, 0x17FFFFFF, RAM), r(0x30000000, 0x3FFFFFFF, RAM));
            assertThat(memory.loadRegion()).isEqualTo(r(0x30000000, 0x3FFFFFFF, RAM));
        }

        @Test
        void typesTheUpperPieceOfASplitRangeAsRam() {
            // kexec-tools' exclude_region gives the piece above the hole RANGE_RAM whatever the original type
            Iomem iomem = iomem("""
                    00001000-0009ffff : System RAM
                    10000000-1fffffff : reserved
                      14000000-17ffffff : Crash kernel
                    """);

            assertThat(CrashMemory.of(iomem).ranges()).containsExactly(
                    r(0x1000, 0x9FFFF, RAM), r(0x10000000, 0x13FFFFFF, RES), r(0x18000000, 0x1FFFFFFF, RAM));
        }

        @Test
        void trimsRangesTheCrashRegionStartsOrEndsWith() {
            Iomem iomem = iomem("""
                    00100000-0fffffff : System RAM
                      00100000-01ffffff : Crash kernel
                    10000000-1fffffff : System RAM
                      1e000000-1fffffff : Crash kernel
                    20000000-2fffffff : System RAM
                      20000000-2fffffff : Crash kernel
                    """);

            assertThat(CrashMemory.of(iomem).ranges())
                    .containsExactly(r(0x2000000, 0xFFFFFFF, RAM), r(0x10000000, 0x1DFFFFFF, RAM));
        }

        @Test
        void trimsInsteadOfInvertingWhenCrashRegionsOverlapEachOther() {
            // the second region starts below the piece the first left: kexec-tools would invert that piece
            Iomem iomem = overlappingCrashRegions();

            assertThat(CrashMemory.of(iomem).ranges())
                    .containsExactly(r(0x100000, 0xFFFFFFF, RAM), r(0x20000000, 0x7FFFFFFF, RAM));
        }

        @Test
        void backsUpZeroTo640KiBWhenNoLowRamIsListed() {
            Iomem iomem = iomem("""
                    00100000-0fffffff : System RAM
                      08000000-0bffffff : Crash kernel
                    """);

            assertThat(CrashMemory.of(iomem).backupSource()).isEqualTo(r(0, 0x9FFFF, RAM));
        }

        @Test
        void refusesAMachineWithoutACrashRegion() {
            Iomem iomem = iomem("00100000-0fffffff : System RAM\n");

            assertThatThrownBy(() -> CrashMemory.of(iomem))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.NO_CRASH_REGION))
                    .hasMessageStartingWith("/proc/iomem: no \"Crash kernel\" region");
        }
    }

    @Nested
    class CaptureMap {
        @Test
        void keepsTheLowCrashRegionAsRamAndCarvesSegmentsFromTheHighOne() {
            Iomem iomem = iomem("""
                    00001000-0009fbff : System RAM
                    00100000-7fffffff : System RAM
                      10000000-13ffffff : Crash kernel
                      30000000-3fffffff : Crash kernel
                    80000000-8000ffff : ACPI Tables
                    """);
            CrashMemory memory = CrashMemory.of(iomem);
            long backup = 0x3FF61000L;
            long header = 0x3FF5D000L;

            CaptureMemoryMap map = memory.captureMap(backup, header, 0x4000);

            assertThat(map.ranges()).containsExactly(
                    r(0x1000, 0x9FBFF, RAM),
                    r(0x10000000, 0x13FFFFFF, RAM),
                    r(0x30000000, 0x3FF5CFFF, RAM),
                    r(0x3FFFFC00L, 0x3FFFFFFFL, RAM),
                    r(0x80000000L, 0x8000FFFFL, RangeType.ACPI));
        }

        @Test
        void usesAtLeast16KiBForTheElfHeader() {
            assertThat(CrashMemory.elfHeaderMemsz(0x400)).isEqualTo(0x4000);
            assertThat(CrashMemory.elfHeaderMemsz(0x4400)).isEqualTo(0x4400);
        }

        @Test
        void refusesASegmentOutsideTheCrashRegion() {
            assertThatThrownBy(() -> qemu().captureMap(0x1000_0000L, ELF_HEADER, 0x4000))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.INTERNAL))
                    .hasMessageStartingWith("backup segment 0x10000000-0x1009ebff lies in no single capture memory");
        }

        @Test
        void refusesOverlappingCrashRegions() {
            Iomem iomem = overlappingCrashRegions();

            assertThatThrownBy(() -> CrashMemory.of(iomem).captureMap(0x1F000000L, 0x1E000000L, 0x4000))
                    .isInstanceOfSatisfying(HandoffException.class,
                            e -> assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE))
                    .hasMessageStartingWith("/proc/iomem: Crash kernel region 0x12000000-0x1fffffff overlaps");
        }
    }

    @Test
    void copiesItsLists() {
        CrashMemory memory = new CrashMemory(new java.util.ArrayList<>(List.of(r(0, 1, RAM))), List.of(),
                r(0, 0x9FFFF, RAM));

        assertThatThrownBy(() -> memory.ranges().add(r(2, 3, RAM))).isInstanceOf(UnsupportedOperationException.class);
    }

    // Built by hand: /proc/iomem never lists overlapping siblings (the parser refuses them), but CrashMemory must
    // still not produce inverted ranges from such input.
    private static Iomem overlappingCrashRegions() {
        return new Iomem(java.util.List.of(new io.handoff.api.machine.IomemEntry(0x100000L, 0x7fffffffL, "System RAM", 0, 1,
                java.util.List.of(new io.handoff.api.machine.IomemEntry(0x10000000L, 0x13ffffffL, "Crash kernel", 1, 2,
                                java.util.List.of()),
                        new io.handoff.api.machine.IomemEntry(0x12000000L, 0x1fffffffL, "Crash kernel", 1, 3,
                                java.util.List.of())))));
    }

    private static io.handoff.api.machine.Iomem iomem(String text) {
        return IomemParser.parse(text, "/proc/iomem");
    }
}
