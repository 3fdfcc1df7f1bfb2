package io.handoff.core.bundle;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.Machine;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.api.plan.Segment;
import io.handoff.api.plan.SegmentData;
import io.handoff.core.digest.ChunkDigest;
import io.handoff.core.digest.SegmentDigest;
import io.handoff.core.files.StagingDirectory;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.purgatory.LinkedPurgatory;
import io.handoff.core.purgatory.StepDecoder;
import io.handoff.core.purgatory.StepEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a plan as a bundle directory: {@code manifest.json}, {@code segments/NN-role.bin},
 * {@code plan.txt} and {@code memory-map.svg}.
 *
 * <p>The bundle is written into a sibling staging directory ({@link StagingDirectory}) and moved into place at
 * the end, so a failure or an interruption never leaves half a bundle (nor the staging directory), and an
 * existing bundle is only replaced by a complete one.
 * File-backed segments are streamed with {@code transferTo}, never read into the heap.
 */
public final class BundleWriter {
    /** The manifest schema id; bump on incompatible changes. */
    public static final String SCHEMA = "handoff-bundle/1";

    private BundleWriter() {
    }

    /**
     * Write the bundle.
     *
     * @param image the plan
     * @param machine the machine it was planned for (for the memory map picture)
     * @param out the bundle directory (created or replaced)
     * @return the bundle directory
     */
    public static Path write(HandoffImage image, Machine machine, Path out) {
        Path target = out.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) {
            throw new HandoffException(FailureKind.OUTPUT, target + ": the file system root cannot be a bundle;"
                    + " choose a directory below it");
        }
        try {
            Files.createDirectories(parent);
            requireReplaceable(target);
            try (StagingDirectory staging = StagingDirectory.beside(target)) {
                Path temp = staging.path();
                Path segDir = Files.createDirectory(temp.resolve("segments"));
                List<String> files = new ArrayList<>();
                for (int i = 0; i < image.segments().size(); i++) {
                    Segment s = image.segments().get(i);
                    String name = fileName(i, s);
                    writeSegment(s, segDir.resolve(name));
                    files.add("segments/" + name);
                }
                Files.writeString(temp.resolve("manifest.json"), Json.write(manifest(image, machine, files)),
                        StandardCharsets.UTF_8);
                Files.writeString(temp.resolve("plan.txt"), PlanText.render(image, machine, files),
                        StandardCharsets.UTF_8);
                Files.writeString(temp.resolve("memory-map.svg"), MemoryMapSvg.render(image, machine),
                        StandardCharsets.UTF_8);
                staging.commit();
            }
            return target;
        } catch (IOException e) {
            throw new HandoffException(FailureKind.OUTPUT, target + ": cannot write bundle: " + e.getMessage(), e);
        }
    }

    /** Return the file name of segment {@code index}: {@code 00-kernel.bin}. */
    public static String fileName(int index, Segment segment) {
        return String.format("%02d-%s.bin", index, segment.role().replaceAll("[^A-Za-z0-9_.-]", "_"));
    }

    // Only an empty directory or an earlier bundle is ever replaced: --out must not delete a user's files.
    private static void requireReplaceable(Path target) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new HandoffException(FailureKind.OUTPUT, target + ": exists and is not a directory");
        }
        boolean empty;
        try (var entries = Files.list(target)) {
            empty = entries.findAny().isEmpty();
        }
        Path manifest = target.resolve("manifest.json");
        if (!empty && !(Files.isRegularFile(manifest) && Files.readString(manifest).contains(SCHEMA))) {
            throw new HandoffException(FailureKind.OUTPUT,
                    target + ": exists, is not empty and is not a handoff bundle; choose another --out");
        }
    }

    static Map<String, Object> manifest(HandoffImage image, List<String> files) {
        return manifest(image, null, files);
    }

    static Map<String, Object> manifest(HandoffImage image, Machine machine, List<String> files) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        m.put("platform", image.platformId());
        m.put("mode", image.request().crash() ? "kdump" : "kexec");
        m.put("kernel", image.request().kernel().toString());
        m.put("initrd", image.request().initrd().map(Path::toString).orElse(null));
        m.put("entry", hex(image.entry()));
        m.put("kexecFlags", hex(image.kexecFlags()));
        Map<String, Object> regs = new LinkedHashMap<>();
        image.plan().registers().forEach((k, v) -> regs.put(k, hex(v)));
        m.put("registers", regs);
        m.put("commandLine", image.plan().commandLine());
        if (machine != null) {
            m.put("firmware", PlanText.firmware(machine));
        }
        image.crashRegion().ifPresent(r -> {
            // ordered: Map.of's order changes from one run to the next, and a bundle must not
            Map<String, Object> region = new LinkedHashMap<>();
            region.put("start", hex(r.start()));
            region.put("end", hex(r.end()));
            m.put("crashRegion", region);
        });
        if (image.linkedPurgatory().isPresent()) {
            m.put("purgatory", purgatory(image.linkedPurgatory().get()));
        } else {
            m.put("purgatory", false);
            m.put("purgatoryNote", PlanText.NO_PURGATORY);
        }
        List<Object> segs = new ArrayList<>();
        for (int i = 0; i < image.segments().size(); i++) {
            Segment s = image.segments().get(i);
            SegmentDigest d = image.digests().get(i);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("index", i);
            e.put("role", s.role());
            e.put("mem", hex(s.mem()));
            e.put("memsz", hex(s.memsz()));
            e.put("bufsz", hex(s.bufsz()));
            e.put("sha256", HexFormat.of().formatHex(d.sha256()));
            e.put("file", files.get(i));
            List<Object> chunks = new ArrayList<>();
            for (ChunkDigest c : d.chunks()) {
                Map<String, Object> ce = new LinkedHashMap<>();
                ce.put("offset", hex(c.offset()));
                ce.put("length", hex(c.length()));
                ce.put("sha256", HexFormat.of().formatHex(c.sha256()));
                chunks.add(ce);
            }
            e.put("chunks", chunks);
            Map<String, Object> tail = new LinkedHashMap<>();
            tail.put("offset", hex(d.zeroTailOffset()));
            tail.put("length", hex(d.zeroTailLength()));
            e.put("zeroTail", tail);
            segs.add(e);
        }
        m.put("segments", segs);
        m.put("facts", new LinkedHashMap<String, Object>(image.plan().facts()));
        m.put("warnings", new ArrayList<Object>(image.plan().warnings()));
        return m;
    }

    private static Map<String, Object> purgatory(LinkedPurgatory linked) {
        StepDecoder.Program decoded = linked.decoded();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("mem", hex(linked.segment().mem()));
        p.put("entry", hex(linked.entry()));
        p.put("imageSize", hex(linked.image().imageSize()));
        p.put("paramOffset", hex(linked.image().paramOffset()));
        p.put("paramSize", hex(linked.image().paramSize()));
        p.put("programLength", hex(decoded.totalLength()));
        p.put("budgetUs", decoded.budgetUs());
        p.put("iterationCap", decoded.iterationCap());
        p.put("steps", steps(linked.program().steps()));
        p.put("fallback", steps(linked.program().fallback()));
        return p;
    }

    private static List<Object> steps(List<PurgatoryStep> steps) {
        List<Object> out = new ArrayList<>();
        for (PurgatoryStep s : steps) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("kind", s.kind());
            e.put("policy", s.policy().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            e.put("worstCaseUs", StepEncoder.micros(s.worstCase()));
            e.put("description", s.description());
            out.add(e);
        }
        return out;
    }

    private static void writeSegment(Segment s, Path file) throws IOException {
        SegmentData data = s.data();
        if (data instanceof SegmentData.Bytes b) {
            Files.write(file, b.data());
        } else if (data instanceof SegmentData.FileSlice f) {
            try (FileChannel in = FileChannel.open(f.file(), StandardOpenOption.READ);
                 FileChannel outCh = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long pos = 0;
                while (pos < f.length()) {
                    long n = in.transferTo(f.offset() + pos, f.length() - pos, outCh);
                    if (n <= 0) {
                        throw new IOException(f.file() + ": shorter than expected at offset " + (f.offset() + pos));
                    }
                    pos += n;
                }
            }
        } else {
            try (OutputStream ignored = Files.newOutputStream(file)) {
                // an all-zero segment has no data bytes
            }
        }
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
