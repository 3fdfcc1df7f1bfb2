package io.handoff.platforms.x86_64;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.IomemEntry;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.CaptureMemoryMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The old kernel's memory as an x86 kdump load sees it, computed as kexec-tools' {@code get_crash_memory_ranges}
 * and {@code get_backup_area} do (crashdump-x86.c).
 *
 * <p>{@link #ranges()} are the "crash memory ranges": every {@code /proc/iomem} line, at any depth, named
 * System RAM (anything containing it), ACPI Tables, ACPI Non-volatile Storage, Persistent Memory (legacy),
 * Persistent Memory or reserved/Reserved, in file order, with every {@code Crash kernel} region and the last
 * {@code GART} cut out. Their RAM is what the ELF core header describes.
 *
 * @param ranges the crash memory ranges, in kexec-tools' order (file order, split pieces in place)
 * @param crashRegions every {@code Crash kernel} region, in file order (low, then high)
 * @param backupSource the first RAM range ending at or below 0xA0000 (default 0-0x9FFFF): the low memory
 *     purgatory copies away before the capture kernel overwrites it
 * @since 0.1
 */
public record CrashMemory(List<MemoryRange> ranges, List<MemoryRange> crashRegions, MemoryRange backupSource) {
    /** kexec-tools' limit on crash memory ranges ({@code CRASH_MAX_MEMORY_RANGES}). */
    public static final int MAX_RANGES = 32768;
    /** kexec-tools' limit on {@code Crash kernel} regions ({@code CRASH_RESERVED_MEM_NR}). */
    public static final int MAX_CRASH_REGIONS = 8;
    /** The granularity of capture memory map entries and of the ELF header and backup buffers. */
    public static final long GRANULE = 1024;
    /** The smallest memsz kexec-tools gives the ELF core header segment (an old-ld bss gap work-around). */
    public static final long ELF_HEADER_MIN_MEMSZ = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(CrashMemory.class);
    private static final long BACKUP_LIMIT = 0xA0000;
    private static final MemoryRange DEFAULT_BACKUP = new MemoryRange(0, 0x9FFFF, RangeType.RAM);
    private static final Set<RangeType> FIRMWARE_TYPES =
            Set.of(RangeType.ACPI, RangeType.ACPI_NVS, RangeType.RESERVED, RangeType.PMEM, RangeType.PRAM);

    public CrashMemory {
        ranges = List.copyOf(ranges);
        crashRegions = List.copyOf(crashRegions);
    }

    /**
     * Compute the crash memory of a machine.
     *
     * @param iomem the parsed {@code /proc/iomem}
     * @return the ranges, crash regions and backup source
     * @throws HandoffException {@code NO_CRASH_REGION} when no {@code Crash kernel} region is reserved
     */
    public static CrashMemory of(Iomem iomem) {
        List<MemoryRange> crash = iomem.crashRegions();
        if (crash.isEmpty()) {
            throw new HandoffException(FailureKind.NO_CRASH_REGION,
                    "/proc/iomem: no \"Crash kernel\" region; boot with crashkernel=SIZE to reserve one");
        }
        if (crash.size() > MAX_CRASH_REGIONS) {
            LOG.warn("/proc/iomem has {} Crash kernel regions; kexec-tools uses the first {}", crash.size(),
                    MAX_CRASH_REGIONS);
            crash = crash.subList(0, MAX_CRASH_REGIONS);
        }
        List<MemoryRange> ranges = new ArrayList<>();
        Optional<IomemEntry> gart = Optional.empty();
        for (IomemEntry e : iomem.all()) {
            if (ranges.size() >= MAX_RANGES) {
                LOG.warn("/proc/iomem: more than {} memory ranges; line {} and later are ignored as kexec-tools does",
                        MAX_RANGES, e.line());
                break;
            }
            if (e.name().equals("GART")) {
                gart = Optional.of(e); // the last one wins, as in kexec-tools
                continue;
            }
            RangeType type = typeOf(e.name());
            if (type != null) {
                ranges.add(new MemoryRange(e.start(), e.end(), type));
            }
        }
        for (MemoryRange region : crash) {
            exclude(ranges, region.start(), region.end());
        }
        gart.ifPresent(g -> exclude(ranges, g.start(), g.end()));
        return new CrashMemory(ranges, crash, backupSource(ranges));
    }

    // kexec-tools matches whole names (memcmp with the newline) except System RAM, which may be a substring.
    private static RangeType typeOf(String name) {
        if (name.contains("System RAM")) {
            return RangeType.RAM;
        }
        return switch (name) {
            case "ACPI Tables" -> RangeType.ACPI;
            case "ACPI Non-volatile Storage" -> RangeType.ACPI_NVS;
            case "Persistent Memory (legacy)" -> RangeType.PRAM;
            case "Persistent Memory" -> RangeType.PMEM;
            case "reserved", "Reserved" -> RangeType.RESERVED;
            default -> null;
        };
    }

    /**
     * Cut {@code [start, end]} out of every range it overlaps, as kexec-tools' {@code exclude_region}: its overlap
     * test is strict on both sides, a split's upper piece is typed RAM, and at most one split is inserted.
     * kexec-tools assumes the hole lies inside one range; where it does not (a hole covering a range, or starting
     * below one), kexec-tools leaves an inverted range, and this trims or drops the range instead.
     */
    private static void exclude(List<MemoryRange> ranges, long start, long end) {
        MemoryRange upper = null;
        int upperAt = -1;
        for (int i = 0; i < ranges.size(); i++) {
            MemoryRange r = ranges.get(i);
            if (start < r.end() && end > r.start()) {
                if (start > r.start() && end < r.end()) {
                    ranges.set(i, new MemoryRange(r.start(), start - 1, r.type()));
                    upper = new MemoryRange(end + 1, r.end(), RangeType.RAM);
                    upperAt = i + 1;
                } else if (start > r.start()) {
                    ranges.set(i, new MemoryRange(r.start(), start - 1, r.type()));
                } else if (end < r.end()) {
                    ranges.set(i, new MemoryRange(end + 1, r.end(), r.type()));
                } else {
                    ranges.remove(i--);
                    if (upperAt > i + 1) {
                        upperAt--;
                    }
                }
            }
        }
        if (upper != null) {
            ranges.add(upperAt, upper);
        }
    }

    private static MemoryRange backupSource(List<MemoryRange> ranges) {
        return ranges.stream().filter(r -> r.type() == RangeType.RAM && r.end() <= BACKUP_LIMIT).findFirst()
                .orElse(DEFAULT_BACKUP);
    }

    /** Return the RAM ranges, in order: one ELF core header PT_LOAD each. */
    public List<MemoryRange> ram() {
        return ranges.stream().filter(r -> r.type() == RangeType.RAM).toList();
    }

    /** Return the region loads go into: the last (highest) {@code Crash kernel} region. */
    public MemoryRange loadRegion() {
        return crashRegions.get(crashRegions.size() - 1);
    }

    /** Return the backup segment's size: the backup source rounded up to 1 KiB. */
    public long backupSize() {
        return align(backupSource.size(), GRANULE);
    }

    /** Return the ELF core header segment's memsz for a header of {@code bufsz} bytes: at least 16 KiB. */
    public static long elfHeaderMemsz(long bufsz) {
        return Math.max(bufsz, ELF_HEADER_MIN_MEMSZ);
    }

    /**
     * Return the memory map of the capture kernel once the backup copy and ELF core header are placed: the backup
     * source and every crash region as RAM (1 KiB granular) minus those two buffers, plus the ACPI, NVS, reserved
     * and persistent ranges, sorted (kexec-tools' {@code memmap_p}).
     *
     * @param backupCopy where the backup segment was placed (1 KiB aligned)
     * @param elfHeader where the ELF core header was placed (1 KiB aligned)
     * @param elfHeaderMemsz the header's memsz as asked of the placer ({@link #elfHeaderMemsz})
     * @return the sorted map
     * @throws HandoffException {@code MALFORMED_PROFILE} when crash regions overlap each other or the backup source
     */
    public CaptureMemoryMap captureMap(long backupCopy, long elfHeader, long elfHeaderMemsz) {
        MemmapBuilder map = new MemmapBuilder();
        map.add(backupSource.start(), backupSource.size(), RangeType.RAM);
        for (MemoryRange region : crashRegions) {
            if (!map.add(region.start(), region.size(), RangeType.RAM)) {
                throw new HandoffException(FailureKind.MALFORMED_PROFILE, String.format(
                        "/proc/iomem: Crash kernel region %#x-%#x overlaps the backup source %s or another crash "
                                + "region", region.start(), region.end(), backupSource));
            }
        }
        map.delete(backupCopy, backupSize(), "backup");
        map.delete(elfHeader, elfHeaderMemsz, "elfcorehdr");
        for (MemoryRange r : ranges) {
            if (FIRMWARE_TYPES.contains(r.type()) && !map.add(r.start(), r.size(), r.type())) {
                LOG.debug("capture memory map: {} overlaps an entry and is left out, as kexec-tools does", r);
            }
        }
        return map.build();
    }

    static long align(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
