package io.handoff.it.kexec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of Debian's {@code kexec -p -d} against a machine profile, through {@code kexec-reference.sh} and its
 * LD_PRELOAD capture shim, with every recorded segment identified by role.
 *
 * <p>Roles come from the bytes where the bytes say it (the zero page carries "HdrS" at 0x202, the ELF core
 * header is an ET_CORE ELF file, the initrd equals the initrd file) and from kexec's {@code -d} lines for the
 * rest (the relocated purgatory is raw code, the backup area is zeros); both must agree. A segment named by
 * neither is a {@code setup_data} node, whose header type is checked by the tests.
 *
 * @param load the captured segments, entry and flags
 * @param outDir where segments.txt, segN.bin and kexec-d.txt are
 * @param debugOutput kexec's {@code -d} output
 */
public record KexecToolsRun(CapturedLoad load, Path outDir, String debugOutput) {
    private static final Pattern SEGMENT_LINE =
            Pattern.compile("(\\d+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+)");
    private static final Map<String, Pattern> DEBUG_LINES = Map.of(
            LoadedSegment.PURGATORY, Pattern.compile("Loaded purgatory at addr 0x([0-9a-f]+)"),
            LoadedSegment.KERNEL, Pattern.compile("Loaded 64bit kernel at 0x([0-9a-f]+)"),
            LoadedSegment.SETUP, Pattern.compile("Loaded real_mode_data and command line at 0x([0-9a-f]+)"),
            LoadedSegment.INITRD, Pattern.compile("Loaded initrd at 0x([0-9a-f]+)"),
            LoadedSegment.BACKUP, Pattern.compile("Created backup segment at 0x([0-9a-f]+)"),
            LoadedSegment.ELFCOREHDR, Pattern.compile("Created elf header segment at 0x([0-9a-f]+)"));
    private static final long TIMEOUT_SECONDS = 120;
    // The shim is built once per JVM by the first run and reused: gcc per run would dominate the test time.
    private static volatile Path builtShim;

    /**
     * Run {@code kexec -p -d} for the profile and parse what it would have loaded.
     *
     * @param profile the machine profile directory
     * @param kernel the bzImage
     * @param initrd the initrd file
     * @param append the command line given to kexec ({@code --append})
     * @param outDir an empty directory for the run's files
     * @param extraArgs more kexec arguments, such as {@code --pass-memmap-cmdline}
     * @return the run
     * @throws IllegalStateException when kexec fails or its output cannot be understood (the message says why)
     */
    public static KexecToolsRun run(Path profile, Path kernel, Path initrd, String append, Path outDir,
                                    List<String> extraArgs) {
        return run(profile, kernel, initrd, append, outDir, extraArgs, true);
    }

    /**
     * Run {@code kexec -p -d} (crash) or {@code kexec -l -d} for the profile and parse what it would have loaded.
     *
     * @param crash {@code kexec -p} when true, {@code kexec -l} when false
     * @see #run(Path, Path, Path, String, Path, List)
     */
    public static KexecToolsRun run(Path profile, Path kernel, Path initrd, String append, Path outDir,
                                    List<String> extraArgs, boolean crash) {
        List<String> command = new ArrayList<>(List.of("bash", Prerequisites.referenceScript().toString(),
                profile.toString(), kernel.toString(), initrd.toString(), append, outDir.toString()));
        command.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("KEXEC", Prerequisites.kexec().toString());
        pb.environment().put("KEXEC_LOAD", crash ? "-p" : "-l");
        Path shim = builtShim;
        if (shim != null && System.getenv("HANDOFF_SHIM_SO") == null) {
            pb.environment().put("HANDOFF_SHIM_SO", shim.toString());
        }
        try {
            Files.createDirectories(outDir);
            Process p = pb.start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kexec-reference.sh did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("kexec-reference.sh " + String.join(" ", command.subList(2, command.size()))
                        + " exited with " + p.exitValue() + ":\n" + new String(output, StandardCharsets.UTF_8));
            }
            Path own = outDir.resolve(".shim/kexec_capture_shim.so");
            if (builtShim == null && Files.isRegularFile(own)) {
                builtShim = own;
            }
            String debug = Files.readString(outDir.resolve("kexec-d.txt"), StandardCharsets.ISO_8859_1);
            byte[] initrdBytes = Files.readAllBytes(initrd);
            return new KexecToolsRun(parse(outDir, debug, initrdBytes), outDir, debug);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kexec-reference.sh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while kexec ran", e);
        }
    }

    /** What the capture shim wrote for one kexec_load: entry, flags and each segment with its bytes. */
    record ShimOutput(long entry, long flags, List<LoadedSegment> segments) {
        /** Read segments.txt and segN.bin of a shim output directory; each segment's role is still empty. */
        static ShimOutput read(Path outDir) throws IOException {
            List<String> lines = Files.readAllLines(outDir.resolve("segments.txt"), StandardCharsets.US_ASCII);
            long entry = -1;
            long flags = -1;
            int declared = -1;
            List<long[]> rows = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = SEGMENT_LINE.matcher(line);
                if (line.startsWith("entry ")) {
                    entry = Long.parseUnsignedLong(line.substring(8), 16);
                } else if (line.startsWith("flags ")) {
                    flags = Long.parseUnsignedLong(line.substring(8), 16);
                } else if (line.startsWith("segments ")) {
                    declared = Integer.parseInt(line.substring(9));
                } else if (m.matches()) {
                    rows.add(new long[] {Long.parseLong(m.group(1)), Long.parseUnsignedLong(m.group(2), 16),
                        Long.parseUnsignedLong(m.group(3), 16), Long.parseUnsignedLong(m.group(4), 16)});
                } else {
                    throw new IllegalStateException(outDir.resolve("segments.txt") + ": line " + (i + 1)
                            + ": cannot parse '" + line + "'");
                }
            }
            if (entry == -1 || flags == -1 || declared != rows.size()) {
                throw new IllegalStateException(outDir.resolve("segments.txt")
                        + ": entry, flags or segment count missing");
            }
            List<LoadedSegment> segments = new ArrayList<>();
            for (long[] row : rows) {
                byte[] data = Files.readAllBytes(outDir.resolve("seg" + row[0] + ".bin"));
                if (data.length != row[3]) {
                    throw new IllegalStateException(outDir.resolve("seg" + row[0] + ".bin") + ": " + data.length
                            + " bytes, segments.txt says bufsz " + row[3]);
                }
                segments.add(new LoadedSegment("", row[1], row[2], row[3], data));
            }
            return new ShimOutput(entry, flags, segments);
        }
    }

    /** Parse segments.txt and segN.bin of an output directory; package-visible for tests on saved runs. */
    static CapturedLoad parse(Path outDir, String debug, byte[] initrdBytes) throws IOException {
        ShimOutput out = ShimOutput.read(outDir);
        Map<Long, String> byDebug = new HashMap<>();
        DEBUG_LINES.forEach((role, pattern) -> {
            Matcher m = pattern.matcher(debug);
            if (m.find()) {
                byDebug.put(Long.parseUnsignedLong(m.group(1), 16), role);
            }
        });
        List<LoadedSegment> segments = new ArrayList<>();
        for (LoadedSegment s : out.segments()) {
            String role = identify(s.data(), initrdBytes, byDebug.get(s.mem()), s.mem());
            segments.add(new LoadedSegment(role, s.mem(), s.memsz(), s.bufsz(), s.data()));
        }
        return new CapturedLoad("kexec-tools", out.entry(), out.flags(), segments);
    }

    // Content first, the -d line second; a disagreement means our reading of kexec-tools is wrong, so fail.
    private static String identify(byte[] data, byte[] initrd, String debugRole, long mem) {
        String byContent = null;
        if (isZeroPage(data)) {
            byContent = LoadedSegment.SETUP;
        } else if (isElfCore(data)) {
            byContent = LoadedSegment.ELFCOREHDR;
        } else if (Arrays.equals(data, initrd)) {
            byContent = LoadedSegment.INITRD;
        }
        if (byContent != null && debugRole != null && !byContent.equals(debugRole)) {
            throw new IllegalStateException(String.format(
                    "segment at %#x looks like %s but kexec -d calls it %s", mem, byContent, debugRole));
        }
        if (byContent != null) {
            return byContent;
        }
        if (debugRole != null) {
            if (debugRole.equals(LoadedSegment.BACKUP) && !allZero(data)) {
                throw new IllegalStateException(String.format("backup segment at %#x is not all zeros", mem));
            }
            return debugRole;
        }
        return LoadedSegment.SETUP_DATA;
    }

    static boolean isZeroPage(byte[] data) {
        return data.length >= 4096 && data[0x202] == 'H' && data[0x203] == 'd' && data[0x204] == 'r'
                && data[0x205] == 'S';
    }

    static boolean isElfCore(byte[] data) {
        return data.length >= 64 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F'
                && ByteBuffer.wrap(data).order(data[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
                .getShort(16) == 4;
    }

    private static boolean allZero(byte[] data) {
        for (byte b : data) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
