package io.handoff.firmware.efi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The resume application's logic (src/main/efi/resume-logic.c) on the host: a C harness built with the sanitizers
 * reads records and memory maps these tests write in the layout of the shared contract (issue 15), and prints
 * what the logic made of them.
 */
class ResumeLogicTests {

    static final Path EFI_SRC = Path.of("src/main/efi");
    static final Path PURGATORY_SRC = Path.of("../framework/purgatory/src/main/c");
    static final Path HARNESS = Path.of("target/logic-harness/logic-harness");
    static final int DESC = 48;   // OVMF's EFI_MEMORY_DESCRIPTOR stride (the struct is 40, padded)

    @TempDir
    static Path tmp;

    @BeforeAll
    static void buildHarness() throws Exception {
        Files.createDirectories(HARNESS.getParent());
        // ASan/UBSan: a validation that reads past the record is a failure even when its answer is right
        List<String> cmd = List.of("gcc", "-std=gnu11", "-O1", "-g", "-Wall", "-Wextra", "-Werror",
                "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-I", EFI_SRC.toString(),
                "-I", PURGATORY_SRC.toString(), "src/test/c/logic-harness.c", EFI_SRC.resolve("resume-logic.c").toString(),
                PURGATORY_SRC.resolve("sha256.c").toString(), PURGATORY_SRC.resolve("lib.c").toString(),
                "-o", HARNESS.toString());
        Run r = run(cmd);
        assertThat(r.exit).as(r.out).isZero();
    }

    record Run(int exit, String out) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    static Run run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // the harness exits right after one command: its buffers are not freed on purpose
        pb.environment().put("ASAN_OPTIONS", "detect_leaks=0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), out);
    }

    static Run harness(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(HARNESS.toString());
        cmd.addAll(List.of(args));
        Run r = run(cmd);
        assertThat(r.exit).as(r.out).isZero();
        return r;
    }

    static String file(String name, byte[] data) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, data);
        return p.toString();
    }

    /** A HandoffRecord as the Java side writes it: fixed fields, then each item 8-aligned. */
    static final class RecordBuilder {
        long crashStart = 0x2000_0000L;
        long crashEnd = 0x3000_0000L;
        long headerAddr = 0x2ff0_0000L;
        long headerSize = 0x1000;
        byte[] digest = filled(32, 0x11);
        long markerAddr = 0x0100_0000L;
        byte[] nonce = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f10");
        int boot = 0x0011;
        String cmdline = "console=ttyS0 elfcorehdr=0x2ff00000 memmap=exactmap memmap=640K@0K memmap=256M@512M";
        String kernel = "\\EFI\\handoff\\vmlinuz";
        String initrd = "\\EFI\\handoff\\initrd.img";
        long[][] ranges = {{0x1000, 0x9f000}, {0x100000, 0x2000_0000L}, {0x3000_0000L, 0x8000_0000L}};

        static byte[] filled(int n, int v) {
            byte[] b = new byte[n];
            Arrays.fill(b, (byte) v);
            return b;
        }

        RecordBuilder with(Consumer<RecordBuilder> change) {
            change.accept(this);
            return this;
        }

        byte[] build() {
            byte[] c = cmdline.getBytes(StandardCharsets.US_ASCII);
            byte[] k = kernel.getBytes(StandardCharsets.ISO_8859_1);
            byte[] i = initrd.getBytes(StandardCharsets.US_ASCII);
            int cOff = 0x90;
            int kOff = align(cOff + c.length);
            int iOff = align(kOff + k.length);
            int rOff = align(iOff + i.length);
            int total = rOff + 16 * ranges.length;
            ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
            b.put("HOFFREC1".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(total);
            b.putLong(crashStart).putLong(crashEnd).putLong(headerAddr).putLong(headerSize).put(digest);
            b.putLong(markerAddr).put(nonce).putShort((short) boot).put(new byte[6]);
            b.putInt(cOff).putInt(c.length).putInt(kOff).putInt(k.length).putInt(iOff).putInt(i.length);
            b.putInt(rOff).putInt(ranges.length);
            b.put(cOff, c).put(kOff, k).put(iOff, i);
            for (int n = 0; n < ranges.length; n++) {
                b.putLong(rOff + 16 * n, ranges[n][0]).putLong(rOff + 16 * n + 8, ranges[n][1]);
            }
            return b.array();
        }

        static int align(int v) {
            return (v + 7) & ~7;
        }
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A memory map in GetMemoryMap's layout: type, start, pages per descriptor of DESC bytes. */
    static byte[] map(long[]... descs) {
        ByteBuffer b = ByteBuffer.allocate(DESC * descs.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int n = 0; n < descs.length; n++) {
            long type = descs[n][0], start = descs[n][1], end = descs[n][2];
            b.putInt(n * DESC, (int) type).putLong(n * DESC + 8, start).putLong(n * DESC + 16, 0)
                    .putLong(n * DESC + 24, (end - start) / 4096).putLong(n * DESC + 32, 0xf);
        }
        return b.array();
    }

    static long[] d(long type, long start, long end) {
        return new long[] {type, start, end};
    }

    @Nested
    class Record {
        @Test
        void aWellFormedRecordIsAcceptedWithEveryField() throws Exception {
            Run r = harness("parse", file("ok.rec", new RecordBuilder().build()));
            assertThat(r.lines()).containsExactly("accepted", "crash 0x20000000-0x30000000", "header 0x2ff00000 size 4096",
                    "marker 0x1000000", "nonce 0102030405060708090a0b0c0d0e0f10", "boot 17",
                    "cmdline console=ttyS0 elfcorehdr=0x2ff00000 memmap=exactmap memmap=640K@0K memmap=256M@512M",
                    "kernel \\EFI\\handoff\\vmlinuz", "initrd \\EFI\\handoff\\initrd.img",
                    "range 0x1000-0x9f000", "range 0x100000-0x20000000", "range 0x30000000-0x80000000");
        }

        @Test
        void noInitrdIsLengthZeroWhereverItsOffsetIs() throws Exception {
            byte[] rec = new RecordBuilder().with(b -> b.initrd = "").build();
            le(rec).putInt(0x80, 0);
            assertThat(harness("parse", file("noinitrd.rec", rec)).lines()).contains("accepted", "initrd ");
        }

        static Stream<Arguments> malformed() {
            return Stream.of(
                    bytes("shorter than its header", b -> Arrays.copyOf(b, 0x8f)),
                    bytes("bad magic", b -> set(b, bb -> bb.put(7, (byte) '2'))),
                    bytes("unknown version", b -> set(b, bb -> bb.putInt(0x08, 2))),
                    bytes("length field differs from the variable's size", b -> set(b, bb -> bb.putInt(0x0c, b.length + 8))),
                    bytes("length field differs from the variable's size", b -> Arrays.copyOf(b, b.length - 1)),
                    fields("empty crash region", r -> r.crashEnd = r.crashStart),
                    fields("empty crash region", r -> r.crashEnd = r.crashStart - 0x1000),
                    fields("empty ELF core header", r -> r.headerSize = 0),
                    fields("ELF core header wraps around", r -> { r.headerAddr = -0x1000L; r.headerSize = 0x2000; }),
                    fields("crash marker not 8-aligned", r -> r.markerAddr = 0x0100_0004L),
                    fields("crash marker wraps around", r -> r.markerAddr = -8L),
                    fields("zero nonce", r -> r.nonce = new byte[16]),
                    bytes("reserved bytes not zero", b -> set(b, bb -> bb.put(0x6f, (byte) 1))),
                    bytes("command line overlaps the header", b -> set(b, bb -> bb.putInt(0x70, 0x88))),
                    bytes("command line not 8-aligned", b -> set(b, bb -> bb.putInt(0x70, 0x94))),
                    bytes("command line outside the record", b -> set(b, bb -> bb.putInt(0x74, b.length))),
                    // offset + length wraps in 32 bits: the check is done in 64
                    bytes("command line outside the record", b -> set(b, bb -> bb.putInt(0x70, 0xffff_fff8).putInt(0x74, 0x10))),
                    bytes("kernel path overlaps the header", b -> set(b, bb -> bb.putInt(0x78, 0))),
                    bytes("kernel path not 8-aligned", b -> set(b, bb -> bb.putInt(0x78, bb.getInt(0x78) + 1))),
                    bytes("kernel path outside the record", b -> set(b, bb -> bb.putInt(0x7c, b.length - bb.getInt(0x78) + 1))),
                    bytes("initrd path overlaps the header", b -> set(b, bb -> bb.putInt(0x80, 0x40))),
                    bytes("initrd path not 8-aligned", b -> set(b, bb -> bb.putInt(0x80, bb.getInt(0x80) + 4))),
                    bytes("initrd path outside the record", b -> set(b, bb -> bb.putInt(0x80, b.length - 8))),
                    bytes("initrd path outside the record", b -> set(b, bb -> bb.putInt(0x80, b.length + 8).putInt(0x84, 0))),
                    bytes("dumped ranges overlap the header", b -> set(b, bb -> bb.putInt(0x88, 0x80))),
                    bytes("dumped ranges not 8-aligned", b -> set(b, bb -> bb.putInt(0x88, bb.getInt(0x88) + 2))),
                    bytes("dumped ranges outside the record", b -> set(b, bb -> bb.putInt(0x8c, 4))),
                    // count * 16 overflows 32 bits
                    bytes("dumped ranges outside the record", b -> set(b, bb -> bb.putInt(0x8c, 0x1000_0001))),
                    fields("empty command line", r -> r.cmdline = ""),
                    fields("command line not printable ASCII", r -> r.cmdline = "console=ttyS0\telfcorehdr=0x2ff00000"),
                    fields("empty kernel path", r -> r.kernel = ""),
                    fields("kernel path not printable ASCII", r -> r.kernel = "\\EFI\\handoff\\vmlinuz\u00e9"),
                    fields("initrd path not printable ASCII without spaces", r -> r.initrd = "\\EFI\\handoff\\my initrd"),
                    fields("no dumped ranges", r -> r.ranges = new long[0][]),
                    fields("empty dumped range", r -> r.ranges = new long[][] {{0x1000, 0x2000}, {0x5000, 0x5000}}),
                    fields("empty dumped range", r -> r.ranges = new long[][] {{0x9000, 0x2000}}));
        }

        static Arguments fields(String reason, Consumer<RecordBuilder> change) {
            return Arguments.of(reason, new RecordBuilder().with(change).build());
        }

        static Arguments bytes(String reason, java.util.function.UnaryOperator<byte[]> change) {
            return Arguments.of(reason, change.apply(new RecordBuilder().build()));
        }

        static byte[] set(byte[] b, Consumer<ByteBuffer> change) {
            change.accept(le(b));
            return b;
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("malformed")
        void aMalformedRecordIsRefusedWithItsReason(String reason, byte[] record) throws Exception {
            Run r = harness("parse", file("bad.rec", record));
            assertThat(r.lines()).containsExactly("refused: record malformed: " + reason);
        }
    }

    @Nested
    class Digest {
        @Test
        void theHeadersSha256IsComparedWithTheRecords() throws Exception {
            byte[] header = new byte[0x1234];
            for (int i = 0; i < header.length; i++) {
                header[i] = (byte) (i * 31 + 7);
            }
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(header);
            String rec = file("digest.rec", new RecordBuilder().with(r -> {
                r.headerSize = header.length;
                r.digest = sha;
            }).build());
            assertThat(harness("digest", rec, file("header.bin", header)).lines()).containsExactly("match");
            header[0x1233] ^= 1;
            assertThat(harness("digest", rec, file("header.bin", header)).lines()).containsExactly("mismatch");
        }
    }

    @Nested
    class FirmwareUsed {
        @Test
        void intersectionsOfTheDumpedRangesWithNonConventionalDescriptorsMergedByType() throws Exception {
            // unsorted, overlapping and touching dumped ranges: they are one set of addresses
            String rec = file("used.rec", new RecordBuilder().with(r -> r.ranges = new long[][] {
                    {0x4000_0000L, 0x8000_0000L}, {0x1000, 0xa0000}, {0x900000, 0xa00000}, {0x100000, 0x4000_0000L}}).build());
            byte[] map = map(
                    d(1, 0x7ff0_0000L, 0x8010_0000L),   // loader code across the end of the dump: clipped
                    d(4, 0, 0x1000),                    // below the dump
                    d(7, 0x1000, 0x9f000),
                    d(0, 0x9f000, 0x100000),            // reserved, half in the dump
                    d(7, 0x100000, 0x800000),
                    d(10, 0x800000, 0x808000),
                    d(7, 0x808000, 0x900000),
                    d(4, 0x900000, 0x1500000),
                    d(3, 0x1500000, 0x1600000),         // touches BS data but is another type
                    d(4, 0x1600000, 0x1700000),
                    d(4, 0x1700000, 0x1800000),         // touches the previous BS data: merged
                    d(7, 0x1800000, 0x7ff0_0000L),
                    d(11, 0xfec0_0000L, 0xfec0_1000L)); // MMIO, outside the dump
            Run r = harness("used", rec, file("used.map", map), String.valueOf(DESC));
            long[][] want = {{0x9f000, 0xa0000, 0}, {0x800000, 0x808000, 10}, {0x900000, 0x1500000, 4},
                    {0x1500000, 0x1600000, 3}, {0x1600000, 0x1800000, 4}, {0x7ff0_0000L, 0x8000_0000L, 1}};
            List<String> expected = new ArrayList<>();
            expected.add("pieces 7");
            long bytes = 0;
            ByteBuffer var = ByteBuffer.allocate(8 + 24 * want.length).order(ByteOrder.LITTLE_ENDIAN);
            var.putInt(want.length).putInt(0);
            for (long[] w : want) {
                expected.add(String.format("used %#x-%#x type %#x", w[0], w[1], w[2]));
                var.putLong(w[0]).putLong(w[1]).putInt((int) w[2]).putInt(0);
                bytes += w[1] - w[0];
            }
            expected.add("var " + HexFormat.of().formatHex(var.array()));
            expected.add("status ok: \\EFI\\handoff\\vmlinuz with initrd \\EFI\\handoff\\initrd.img; firmware used 6 ranges ("
                    + (bytes + 1023) / 1024 + " KiB) of the dumped memory");
            assertThat(r.lines()).containsExactlyElementsOf(expected);
            assertThat((bytes + 1023) / 1024).isEqualTo(16420);
        }

        @Test
        void overThreeHundredTwentyEntriesTheClosestNeighboursAreMergedIntoMixedEntries() throws Exception {
            // 340 one-page descriptors 60 KiB apart, types cycling 1..6 (neighbours differ); exceptions by index:
            // 10 touch their predecessor (another type), 5 follow it after 4 KiB, 5 touch it with the same type
            List<long[]> descs = new ArrayList<>();
            List<long[]> want = new ArrayList<>();
            long at = 0x100000;
            for (int k = 0; k < 340; k++) {
                long type = 1 + k % 6;
                long gap = 0xf000;
                boolean mixed = false, same = false;
                if (k >= 10 && k <= 100 && k % 10 == 0) {
                    gap = 0;
                    mixed = true;
                } else if (k >= 110 && k <= 150 && k % 10 == 0) {
                    gap = 0x1000;
                    mixed = true;
                } else if (k >= 160 && k <= 200 && k % 10 == 0) {
                    gap = 0;
                    type = descs.get(k - 1)[0];
                    same = true;
                }
                long start = at + gap;
                at = start + 0x1000;
                descs.add(d(type, start, at));
                if (mixed || same) {
                    long[] prev = want.get(want.size() - 1);
                    prev[1] = at;
                    prev[2] = mixed ? 0xffff_ffffL : type;
                } else {
                    want.add(new long[] {start, at, type});
                }
            }
            assertThat(want).hasSize(320);
            String rec = file("cap.rec", new RecordBuilder().with(r -> r.ranges = new long[][] {{0, 1L << 40}}).build());
            Run r = harness("used", rec, file("cap.map", map(descs.toArray(long[][]::new))), String.valueOf(DESC));
            List<String> used = r.lines().stream().filter(l -> l.startsWith("used ")).toList();
            assertThat(r.lines()).contains("pieces 340");
            assertThat(used).containsExactlyElementsOf(
                    want.stream().map(w -> String.format("used %#x-%#x type %#x", w[0], w[1], w[2])).toList());
            String var = r.lines().stream().filter(l -> l.startsWith("var ")).findFirst().orElseThrow();
            assertThat(var).hasSize(4 + 2 * (8 + 24 * 320)).startsWith("var 40010000" + "00000000");
        }

        @Test
        void equalGapsAreMergedFromTheLowestAddressUp() throws Exception {
            // 322 pages 60 KiB apart: two merges, both at the bottom (the merged entry's next gap is as small)
            long[][] descs = new long[322][];
            for (int k = 0; k < descs.length; k++) {
                descs[k] = d(1 + k % 6, 0x100000 + 0x10000L * k, 0x101000 + 0x10000L * k);
            }
            String rec = file("ties.rec", new RecordBuilder().with(r -> r.ranges = new long[][] {{0, 1L << 40}}).build());
            Run r = harness("used", rec, file("ties.map", map(descs)), String.valueOf(DESC));
            List<String> used = r.lines().stream().filter(l -> l.startsWith("used ")).toList();
            assertThat(used).hasSize(320);
            assertThat(used.get(0)).isEqualTo("used 0x100000-0x121000 type 0xffffffff");
            assertThat(used.get(1)).isEqualTo("used 0x130000-0x131000 type 0x4");
            assertThat(used.get(319)).isEqualTo(String.format("used %#x-%#x type %#x", descs[321][1], descs[321][2], descs[321][0]));
        }

        @Test
        void aMapWithoutFirmwareMemoryInTheDumpGivesNoEntries() throws Exception {
            String rec = file("none.rec", new RecordBuilder().build());
            byte[] map = map(d(7, 0, 0xa0000), d(7, 0x100000, 0x8000_0000L), d(11, 0xfec0_0000L, 0xfec0_1000L));
            Run r = harness("used", rec, file("none.map", map), String.valueOf(DESC));
            assertThat(r.lines()).containsExactly("pieces 0", "var 0000000000000000",
                    "status ok: \\EFI\\handoff\\vmlinuz with initrd \\EFI\\handoff\\initrd.img; firmware used 0 ranges "
                            + "(0 KiB) of the dumped memory");
        }
    }

    @Nested
    class Claims {
        final byte[] map = map(
                d(7, 0, 0xa0000),
                d(0, 0xa0000, 0x100000),
                d(7, 0x100000, 0x800000),
                d(4, 0x800000, 0x1800000),
                d(7, 0x1800000, 0x2100_0000L),          // runs into the crash region
                d(7, 0x2100_0000L, 0x2200_0000L),       // inside it
                d(2, 0x2200_0000L, 0x2300_0000L),
                d(7, 0x2300_0000L, 0x7ff0_0000L),       // runs out of it
                d(7, 0x1_0000_0000L, 0x1_8000_0000L));

        List<String> claims(long start, long end) throws Exception {
            return harness("claims", file("claims.map", map), String.valueOf(DESC), Long.toString(start),
                    Long.toString(end)).lines();
        }

        @Test
        void everyConventionalPageOutsideTheCrashRegionExactly() throws Exception {
            assertThat(claims(0x2000_0000L, 0x3000_0000L)).containsExactly("claim 0x0-0xa0000",
                    "claim 0x100000-0x800000", "claim 0x1800000-0x20000000", "claim 0x30000000-0x7ff00000",
                    "claim 0x100000000-0x180000000");
        }

        @Test
        void aCrashRegionOfPartPagesLeavesThosePagesUnclaimed() throws Exception {
            assertThat(claims(0x2000_0800L, 0x2fff_f800L)).containsExactly("claim 0x0-0xa0000",
                    "claim 0x100000-0x800000", "claim 0x1800000-0x20000000", "claim 0x30000000-0x7ff00000",
                    "claim 0x100000000-0x180000000");
        }

        @Test
        void theCrashRegionBeyondTheCaptureKernelsRamIsClaimedToo() throws Exception {
            // x86_64's plan: the capture kernel's RAM ends where the ELF core header and the backup begin
            String rec = file("ram.rec", new RecordBuilder().with(r -> r.cmdline = "elfcorehdr=786432K memmap=exactmap "
                    + "memmap=636K@4K memmap=8K#8216K memmap=0xff00000@0x20000000 quiet").build());
            List<String> lines = harness("claims", file("claims.map", map), String.valueOf(DESC), rec).lines();
            assertThat(lines).containsExactly("claim 0x0-0xa0000", "claim 0x100000-0x800000",
                    "claim 0x1800000-0x20000000", "claim 0x2ff00000-0x7ff00000", "claim 0x100000000-0x180000000");
        }

        @Test
        void aCrashRegionThatIsOneDescriptorLeavesTheOthersWhole() throws Exception {
            assertThat(claims(0x100000, 0x800000)).containsExactly("claim 0x0-0xa0000", "claim 0x1800000-0x21000000",
                    "claim 0x21000000-0x22000000", "claim 0x23000000-0x7ff00000", "claim 0x100000000-0x180000000");
        }
    }

    @Nested
    class CaptureRam {
        List<String> ram(String cmdline) throws Exception {
            return harness("ram", file("ram.rec", new RecordBuilder().with(r -> r.cmdline = cmdline).build())).lines();
        }

        @Test
        void isTheCommandLinesMemmapAtRangesInsideTheCrashRegionSorted() throws Exception {
            assertThat(ram("memmap=exactmap memmap=16M@0x2f000000 memmap=640K@0K memmap=1M#0x20000000 "
                    + "memmap=128M@512M")).containsExactly("ram 0x20000000-0x28000000", "ram 0x2f000000-0x30000000");
        }

        @Test
        void isClippedToTheCrashRegion() throws Exception {
            assertThat(ram("memmap=exactmap memmap=1G@256M")).containsExactly("ram 0x20000000-0x30000000");
        }

        @ParameterizedTest
        @ValueSource(strings = {"console=ttyS0", "memmap=exactmap memmap=1M$0x20000000 memmap=@512M memmap=16M@",
            "xmemmap=16M@512M", "memmap=16Q@512M"})
        void isTheWholeCrashRegionWithoutAUsableMemmapAt(String cmdline) throws Exception {
            assertThat(ram(cmdline)).containsExactly("ram 0x20000000-0x30000000");
        }
    }

    @Nested
    class Ram {
        final byte[] map = map(d(7, 0, 0xa0000), d(0, 0xa0000, 0x100000), d(4, 0x100000, 0x200000),
                d(7, 0x200000, 0x800000), d(11, 0xfec0_0000L, 0xfec0_1000L), d(8, 0x900000, 0xa00000));

        String covers(long start, long end) throws Exception {
            return harness("covers", file("ram.map", map), String.valueOf(DESC), Long.toString(start),
                    Long.toString(end)).lines().get(0);
        }

        @Test
        void theMarkerAndTheHeaderMustLieInRam() throws Exception {
            assertThat(covers(0x1ffff8, 0x200008)).as("across two RAM descriptors").isEqualTo("covered");
            assertThat(covers(0x9fff8, 0xa0008)).as("into reserved memory").isEqualTo("not covered");
            assertThat(covers(0x7ffff8, 0x800008)).as("past the end of RAM").isEqualTo("not covered");
            assertThat(covers(0xfec0_0000L, 0xfec0_0010L)).as("MMIO").isEqualTo("not covered");
            assertThat(covers(0x900000, 0x900010)).as("unusable").isEqualTo("not covered");
            assertThat(covers(0x1000, 0x7ff000)).as("not across the reserved hole").isEqualTo("not covered");
        }
    }

    @Nested
    class LoadOptions {
        @Test
        void theCommandLineThenTheInitrdInUcs2WithANul() throws Exception {
            RecordBuilder b = new RecordBuilder();
            Run r = harness("options", file("opts.rec", b.build()));
            String text = b.cmdline + " initrd=" + b.initrd + "\0";
            assertThat(r.lines()).containsExactly("chars " + (text.length() - 1),
                    "options " + HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_16LE)));
        }

        @Test
        void withoutAnInitrdTheCommandLineAlone() throws Exception {
            RecordBuilder b = new RecordBuilder().with(x -> x.initrd = "");
            Run r = harness("options", file("opts.rec", b.build()));
            assertThat(r.lines()).containsExactly("chars " + b.cmdline.length(),
                    "options " + HexFormat.of().formatHex((b.cmdline + "\0").getBytes(StandardCharsets.UTF_16LE)));
        }

        @Test
        void theKernelsFileNodeIsMediaFilePathThenTheEnd() throws Exception {
            String path = "\\EFI\\handoff\\vmlinuz";
            byte[] ucs2 = (path + "\0").getBytes(StandardCharsets.UTF_16LE);
            ByteBuffer want = ByteBuffer.allocate(4 + ucs2.length + 4).order(ByteOrder.LITTLE_ENDIAN);
            want.put((byte) 4).put((byte) 4).putShort((short) (4 + ucs2.length)).put(ucs2)
                    .put((byte) 0x7f).put((byte) 0xff).putShort((short) 4);
            assertThat(harness("filepath", path).lines()).containsExactly("nodes " + HexFormat.of().formatHex(want.array()));
        }

        @Test
        void textsAreCutAtTheirBuffer() throws Exception {
            assertThat(harness("text").lines()).containsExactly("cut 0x0 18446744073", "full 0xfedcba9876543210 0");
        }
    }
}
