package io.handoff.it.kexec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Machine profiles the differential tests run on, generated from the captured QEMU profile by rewriting
 * {@code proc/iomem} and {@code sys/firmware/memmap/N} together (a real kernel derives both from one firmware map,
 * so the two must never disagree).
 */
public enum ProfileVariant {
    /** The captured profile as it is: one 256 MiB crash region below 4 GiB. */
    PLAIN("the captured QEMU profile") {
        @Override
        void rewrite(List<String> iomem, List<FirmwareRange> memmap) {
            // unchanged
        }
    },
    /**
     * 1 GiB of RAM above 4 GiB holding a second, higher crash region (crashkernel=X,high with its low part):
     * the capture kernel is loaded into the highest one, so ramdisk and command line pointers use the ext_ halves.
     */
    LOW_AND_HIGH_CRASH("crash regions below and above 4 GiB") {
        @Override
        void rewrite(List<String> iomem, List<FirmwareRange> memmap) {
            replace(iomem, "100000000-17fffffff : PCI Bus 0000:00",
                    "100000000-13fffffff : System RAM",
                    "  120000000-12fffffff : Crash kernel",
                    "140000000-1bfffffff : PCI Bus 0000:00");
            memmap.add(new FirmwareRange(0x100000000L, 0x13fffffffL, "System RAM"));
        }
    },
    /**
     * 140 small reserved ranges punched into low RAM: the capture kernel's map (which keeps every reserved range)
     * exceeds the zero page's 128 entries and needs a SETUP_E820_EXT node; so does the machine's own map.
     */
    MANY_RESERVED("140 reserved holes, more than 128 e820 entries") {
        @Override
        void rewrite(List<String> iomem, List<FirmwareRange> memmap) {
            List<String> lines = new ArrayList<>();
            lines.add("00100000-01ffffff : System RAM");
            long at = HOLES_START;
            for (int i = 0; i < HOLES; i++) {
                lines.add(String.format("%08x-%08x : Reserved", at, at + 0xfff));
                lines.add(String.format("%08x-%08x : System RAM", at + 0x1000, at + 0x1fff));
                at += 0x2000;
            }
            lines.set(lines.size() - 1, String.format("%08x-3ffdffff : System RAM", at - 0x1000));
            replace(iomem, "00100000-3ffdffff : System RAM", lines.toArray(String[]::new));
            memmap.removeIf(r -> r.start() == 0x100000);
            for (String line : lines) {
                String[] parts = line.split(" : ");
                String[] range = parts[0].split("-");
                memmap.add(new FirmwareRange(Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16),
                        parts[1]));
            }
        }
    },
    /**
     * RAM and ACPI ranges whose ends are not 1 KiB aligned: the backup source (first RAM below 640 KiB) ends at
     * 0x9f8ff, low RAM ends at 0x3ffdfdff, and ACPI tables end at 0x3ffe11ff, followed by ACPI NVS.
     */
    UNALIGNED_ENDS("RAM and ACPI ranges with ends off the 1 KiB grid") {
        @Override
        void rewrite(List<String> iomem, List<FirmwareRange> memmap) {
            replace(iomem, "00001000-0009fbff : System RAM", "00001000-0009f8ff : System RAM");
            replace(iomem, "0009fc00-0009ffff : Reserved", "0009f900-0009ffff : Reserved");
            replace(iomem, "00100000-3ffdffff : System RAM", "00100000-3ffdfdff : System RAM");
            replace(iomem, "3ffe0000-3fffffff : Reserved",
                    "3ffdfe00-3ffe11ff : ACPI Tables",
                    "3ffe1200-3ffeffff : ACPI Non-volatile Storage",
                    "3fff0000-3fffffff : Reserved");
            memmap.removeIf(r -> r.start() <= 0x3ffe0000L);
            memmap.add(new FirmwareRange(0x0, 0x9f8ff, "System RAM"));
            memmap.add(new FirmwareRange(0x9f900, 0x9ffff, "Reserved"));
            memmap.add(new FirmwareRange(0xf0000, 0xfffff, "Reserved"));
            memmap.add(new FirmwareRange(0x100000, 0x3ffdfdffL, "System RAM"));
            memmap.add(new FirmwareRange(0x3ffdfe00L, 0x3ffe11ffL, "ACPI Tables"));
            memmap.add(new FirmwareRange(0x3ffe1200L, 0x3ffeffffL, "ACPI Non-volatile Storage"));
            memmap.add(new FirmwareRange(0x3fff0000L, 0x3fffffffL, "Reserved"));
        }
    };

    /** Number of reserved holes of {@link #MANY_RESERVED}. */
    public static final int HOLES = 140;
    static final long HOLES_START = 0x02000000L;

    private final String description;

    ProfileVariant(String description) {
        this.description = description;
    }

    /** Return a one-line description. */
    public String description() {
        return description;
    }

    abstract void rewrite(List<String> iomem, List<FirmwareRange> memmap);

    /**
     * Write this variant of a profile into {@code dir}: a copy of {@code base} with iomem and firmware memmap
     * rewritten.
     *
     * @return {@code dir}
     */
    public Path create(Path base, Path dir) {
        try {
            copyTree(base, dir);
            Path iomemFile = dir.resolve("proc/iomem");
            List<String> iomem = new ArrayList<>(Files.readAllLines(iomemFile, StandardCharsets.US_ASCII));
            List<FirmwareRange> memmap = readMemmap(dir.resolve("sys/firmware/memmap"));
            rewrite(iomem, memmap);
            Files.write(iomemFile, iomem, StandardCharsets.US_ASCII);
            writeMemmap(dir.resolve("sys/firmware/memmap"), memmap);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replace the one iomem line equal to {@code old} (ignoring indentation) and its nested lines kept in place. */
    static void replace(List<String> iomem, String old, String... with) {
        int index = -1;
        for (int i = 0; i < iomem.size(); i++) {
            if (iomem.get(i).strip().equals(old)) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalStateException("proc/iomem of the base profile has no line '" + old + "'");
        }
        iomem.remove(index);
        iomem.addAll(index, List.of(with));
        // children of the replaced line stay after the last new line, which is their new parent
    }

    static List<FirmwareRange> readMemmap(Path dir) throws IOException {
        List<FirmwareRange> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path e : entries.toList()) {
                out.add(new FirmwareRange(Long.decode(read(e.resolve("start"))), Long.decode(read(e.resolve("end"))),
                        read(e.resolve("type"))));
            }
        }
        return out;
    }

    static void writeMemmap(Path dir, List<FirmwareRange> memmap) throws IOException {
        deleteTree(dir);
        Files.createDirectories(dir);
        List<FirmwareRange> sorted = memmap.stream().sorted(Comparator.comparingLong(FirmwareRange::start)).toList();
        for (int i = 0; i < sorted.size(); i++) {
            FirmwareRange r = sorted.get(i);
            Path e = Files.createDirectory(dir.resolve(Integer.toString(i)));
            Files.writeString(e.resolve("start"), "0x" + Long.toHexString(r.start()) + "\n");
            Files.writeString(e.resolve("end"), "0x" + Long.toHexString(r.end()) + "\n");
            Files.writeString(e.resolve("type"), r.type() + "\n");
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    /** Copy a directory tree (the profile fixtures hold no links). */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** Delete a directory tree, when it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * One {@code /sys/firmware/memmap/N} entry.
     *
     * @param start first byte
     * @param end last byte (inclusive)
     * @param type the firmware type string ({@code System RAM}, {@code Reserved}, {@code ACPI Tables} …)
     */
    public record FirmwareRange(long start, long end, String type) {
    }
}
