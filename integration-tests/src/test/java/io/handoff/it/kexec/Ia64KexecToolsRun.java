package io.handoff.it.kexec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of kexec-tools 2.0.25's ia64 loader, built for this host by {@code kexec-ia64-reference.sh}, against an
 * ia64 machine profile through {@code kexec-ia64-run.sh} and the LD_PRELOAD capture shim (uname machine ia64,
 * 16 KiB pages, the profile's CPU count), with every recorded segment identified by role.
 *
 * <p>kexec-tools prints nothing that names ia64 segments, so roles come from the bytes and sizes: the purgatory
 * holds the entry; kernel segments are the kernel file's PT_LOAD bytes; the ELF core header is an ET_CORE file; the
 * initrd equals the initrd file; {@code boot-param} is the one 4096-byte buffer; {@code efi-memmap} has the size
 * kexec-tools takes from the profile's {@code EFI Memory Map} line (end + 1 − start); the command line is
 * printable text, a NUL and padding to 16 bytes; {@code loaded-segments} is a sorted table of {start, end} pairs.
 * boot_param and the EFI memory map buffer come from {@code xmalloc} and are never cleared, and the command line
 * segment runs past its allocation, so none of those bytes (past the command line's NUL) mean anything.
 *
 * @param mode {@code -l} or {@code -p}
 * @param load the captured segments, entry and flags
 * @param outDir where segments.txt, segN.bin and kexec-d.txt are
 * @param debugOutput kexec's {@code -d} output
 */
public record Ia64KexecToolsRun(String mode, CapturedLoad load, Path outDir, String debugOutput) {
    /** Roles of the ia64 loads (handoff's manifest uses the same names). */
    public static final String LOADED_SEGMENTS = "loaded-segments";
    public static final String BOOT_PARAM = "boot-param";
    public static final String EFI_MEMMAP = "efi-memmap";
    public static final String CMDLINE = "cmdline";
    /** The {@code kexec_load} flags: KEXEC_ARCH_IA_64 (50 << 16), plus KEXEC_ON_CRASH for kdump. */
    public static final long KEXEC_ARCH_IA_64 = 50L << 16;
    public static final long KEXEC_ON_CRASH = 1;
    /** ia64 Linux's default page size, which the shim reports and every segment is rounded to. */
    public static final long PAGE_SIZE = 16 * 1024;
    public static final int BOOT_PARAM_SIZE = 4096;

    private static final long TIMEOUT_SECONDS = 300;

    /** The raw outcome of one run: exit status and output, for runs expected to fail. */
    public record Outcome(int exitStatus, String output, Path outDir) {
    }

    /**
     * Run the oracle and parse what it would have loaded.
     *
     * @param crash {@code kexec -p} when true, {@code kexec -l} otherwise
     * @param initrd the initrd, or null for none
     * @param append the {@code --append} text (never null: {@code kexec -p} crashes without one)
     * @throws IllegalStateException when kexec fails or its output cannot be understood
     */
    public static Ia64KexecToolsRun run(boolean crash, Path profile, Path kernel, Path initrd, String append, Path outDir) {
        Outcome o = execute(crash, profile, kernel, initrd, append, outDir);
        if (o.exitStatus() != 0) {
            throw new IllegalStateException("kexec-ia64-run.sh " + (crash ? "-p " : "-l ") + profile + " exited with "
                    + o.exitStatus() + ":\n" + o.output());
        }
        try {
            String debug = Files.readString(outDir.resolve("kexec-d.txt"), StandardCharsets.ISO_8859_1);
            return new Ia64KexecToolsRun(crash ? "-p" : "-l",
                    parse(outDir, Files.readAllBytes(kernel), initrd == null ? null : Files.readAllBytes(initrd),
                            efiMemmapBufferSize(profile)), outDir, debug);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the run in " + outDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Run the oracle and return its exit status and output without interpreting them.
     *
     * @param append the {@code --append} text, or null to leave the option out
     */
    public static Outcome execute(boolean crash, Path profile, Path kernel, Path initrd, String append, Path outDir) {
        List<String> command = new ArrayList<>(List.of("bash", Prerequisites.ia64RunScript().toString(),
                crash ? "-p" : "-l", profile.toString(), kernel.toString(),
                initrd == null ? "-" : initrd.toString(), append == null ? "--no-append" : append,
                outDir.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("KEXEC_IA64", Prerequisites.ia64Kexec().toString());
        try {
            Files.createDirectories(outDir);
            Process p = pb.start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kexec-ia64-run.sh did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Outcome(p.exitValue(), new String(output, StandardCharsets.UTF_8), outDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kexec-ia64-run.sh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while kexec ran", e);
        }
    }

    /**
     * Return the size of the EFI memory map buffer kexec-tools reserves for a profile: end + 1 − start of its
     * {@code EFI Memory Map} line (the kernel prints end = start + size, so this is the map size + 1).
     */
    public static OptionalLong efiMemmapBufferSize(Path profile) throws IOException {
        Pattern line = Pattern.compile("\\s*([0-9a-f]+)-([0-9a-f]+) : EFI Memory Map");
        for (String l : Files.readAllLines(profile.resolve("proc/iomem"), StandardCharsets.US_ASCII)) {
            Matcher m = line.matcher(l);
            if (m.matches()) {
                return OptionalLong.of(Long.parseUnsignedLong(m.group(2), 16) + 1 - Long.parseUnsignedLong(m.group(1), 16));
            }
        }
        return OptionalLong.empty();
    }

    /** Parse segments.txt and segN.bin of an output directory. */
    static CapturedLoad parse(Path outDir, byte[] kernel, byte[] initrd, OptionalLong memmapSize) throws IOException {
        KexecToolsRun.ShimOutput out = KexecToolsRun.ShimOutput.read(outDir);
        List<byte[]> loads = ptLoadBytes(kernel);
        List<LoadedSegment> segments = new ArrayList<>();
        for (LoadedSegment s : out.segments()) {
            String role = identify(s.data(), s.mem(), s.memsz(), out.entry(), loads, initrd, memmapSize);
            segments.add(new LoadedSegment(role, s.mem(), s.memsz(), s.bufsz(), s.data()));
        }
        return new CapturedLoad("kexec-tools", out.entry(), out.flags(), segments);
    }

    private static String identify(byte[] data, long mem, long memsz, long entry, List<byte[]> loads, byte[] initrd,
                                   OptionalLong memmapSize) {
        if (Long.compareUnsigned(entry - mem, memsz) < 0) {
            return LoadedSegment.PURGATORY;
        }
        if (loads.stream().anyMatch(b -> Arrays.equals(b, data))) {
            return LoadedSegment.KERNEL;
        }
        if (KexecToolsRun.isElfCore(data)) {
            return LoadedSegment.ELFCOREHDR;
        }
        if (initrd != null && Arrays.equals(data, initrd)) {
            return LoadedSegment.INITRD;
        }
        if (data.length == BOOT_PARAM_SIZE) {
            return BOOT_PARAM;
        }
        if (memmapSize.isPresent() && data.length == memmapSize.getAsLong()) {
            return EFI_MEMMAP;
        }
        if (commandLine(data).isPresent()) {
            return CMDLINE;
        }
        if (isLoadedSegmentsTable(data)) {
            return LOADED_SEGMENTS;
        }
        throw new IllegalStateException(String.format("segment at %#x (%d bytes) is none of the ia64 roles", mem,
                data.length));
    }

    /**
     * Return the command line in a segment: the printable text before the first NUL, when the segment is that text,
     * a NUL and padding up to a multiple of 16 bytes (kexec-tools' {@code _ALIGN(len, 16)}).
     */
    public static Optional<String> commandLine(byte[] data) {
        int n = 0;
        while (n < data.length && data[n] != 0) {
            if (data[n] < 32 || data[n] > 126) {
                return Optional.empty();
            }
            n++;
        }
        if (n == 0 || n == data.length || data.length != ((n + 1 + 15) & ~15)) {
            return Optional.empty();
        }
        return Optional.of(new String(data, 0, n, StandardCharsets.US_ASCII));
    }

    /** Return the {start, end} pairs of a loaded_segments table (u64 little-endian each). */
    public static List<long[]> loadedSegments(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i + 16 <= data.length; i += 16) {
            out.add(new long[] {b.getLong(i), b.getLong(i + 8)});
        }
        return out;
    }

    private static boolean isLoadedSegmentsTable(byte[] data) {
        if (data.length == 0 || data.length % 16 != 0) {
            return false;
        }
        long previousEnd = 0;
        for (long[] p : loadedSegments(data)) {
            if (Long.compareUnsigned(p[0], p[1]) >= 0 || (p[0] & 0xfff) != 0
                    || Long.compareUnsigned(p[0], previousEnd) < 0) {
                return false;
            }
            previousEnd = p[1];
        }
        return true;
    }

    /** Return the file bytes of each PT_LOAD of an ELF64 little-endian kernel, in program header order. */
    public static List<byte[]> ptLoadBytes(byte[] kernel) {
        List<byte[]> out = new ArrayList<>();
        for (long[] ph : ptLoads(kernel)) {
            out.add(Arrays.copyOfRange(kernel, (int) ph[0], (int) (ph[0] + ph[1])));
        }
        return out;
    }

    /** Return {offset, filesz, memsz, paddr, vaddr} of each PT_LOAD of an ELF64 little-endian file. */
    public static List<long[]> ptLoads(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = (int) (phoff + (long) i * phentsize);
            if (b.getInt(at) == 1) {
                out.add(new long[] {b.getLong(at + 8), b.getLong(at + 32), b.getLong(at + 40), b.getLong(at + 24),
                    b.getLong(at + 16)});
            }
        }
        return out;
    }
}
