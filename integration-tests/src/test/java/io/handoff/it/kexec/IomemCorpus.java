package io.handoff.it.kexec;

import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.IomemEntry;
import io.handoff.core.system.IomemParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The corpus of real {@code /proc/iomem} captures under {@code src/test/resources/iomem-corpus}, listed with their
 * origin in {@code sources.tsv}.
 *
 * @param file the capture's file name, {@code NNN-short-name.iomem}
 * @param arch the machine's architecture ({@code x86_64}, {@code arm64}, {@code arm}, {@code mips})
 * @param kind {@code full} for a whole file, {@code excerpt} for the part of one a report quoted
 * @param machine what the machine is
 * @param source where the capture was published
 */
public record IomemCorpus(String file, String arch, String kind, String machine, String source) {
    /** The size of the crash region added to captures that have none: 256 MiB. */
    public static final long ADDED_CRASH_SIZE = 256L << 20;
    /** The alignment of an added crash region: 16 MiB, as the kernel's crashkernel= reservation uses. */
    public static final long ADDED_CRASH_ALIGN = 16L << 20;
    private static final long FOUR_GIB = 1L << 32;

    @Override
    public String toString() {
        return file;
    }

    /** Return the corpus directory. */
    public static Path directory() {
        try {
            return Path.of(IomemCorpus.class.getResource("/iomem-corpus/sources.tsv").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Return every capture listed in {@code sources.tsv}, in file order. */
    public static List<IomemCorpus> all() {
        try {
            List<IomemCorpus> out = new ArrayList<>();
            for (String line : Files.readAllLines(directory().resolve("sources.tsv"), StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                if (f.length != 5) {
                    throw new IllegalStateException("sources.tsv: not 5 tab-separated fields: " + line);
                }
                out.add(new IomemCorpus(f[0], f[1], f[2], f[3], f[4]));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Return the {@code .iomem} files present in the corpus directory, sorted. */
    public static List<String> filesPresent() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".iomem")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Return the capture's text. */
    public String text() {
        try {
            return Files.readString(directory().resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Return the capture parsed. */
    public Iomem parse() {
        return IomemParser.parse(text(), file);
    }

    /** Return whether the capture is of an x86_64 machine. */
    public boolean x86() {
        return arch.equals("x86_64");
    }

    /**
     * Return the capture with a usable {@code Crash kernel} region: unchanged when it has one; else with each
     * {@code 0-0} {@code Crash kernel} line (a failed reservation) removed and a 256 MiB region, 16 MiB aligned, added
     * as a child line of the highest top-level System RAM below 4 GiB that holds one clear of that entry's children,
     * where the kernel would print it.
     *
     * @return the text, or empty when no System RAM below 4 GiB has room
     */
    public Optional<String> withCrashKernel() {
        Iomem iomem = parse();
        if (iomem.named(Iomem.CRASH_KERNEL).stream().anyMatch(e -> e.end() > e.start())) {
            return Optional.of(text());
        }
        List<String> lines = new ArrayList<>(text().lines().toList());
        List<Integer> zeroCrash = iomem.named(Iomem.CRASH_KERNEL).stream().map(IomemEntry::line).toList();
        List<IomemEntry> ram = iomem.roots().stream().filter(e -> e.name().equals("System RAM") && e.start() < FOUR_GIB)
                .sorted(Comparator.comparingLong(IomemEntry::start).reversed()).toList();
        for (IomemEntry e : ram) {
            long top = (Math.min(e.end() + 1, FOUR_GIB)) & -ADDED_CRASH_ALIGN;
            for (long start = top - ADDED_CRASH_SIZE; start >= e.start() && start >= 0; start -= ADDED_CRASH_ALIGN) {
                long end = start + ADDED_CRASH_SIZE - 1;
                long s = start;
                boolean clear = e.children().stream().filter(c -> !zeroCrash.contains(c.line()))
                        .noneMatch(c -> c.start() <= end && s <= c.end());
                if (clear) {
                    int at = insertionLine(e, start, zeroCrash);
                    lines.add(at, String.format("  %08x-%08x : %s", start, end, Iomem.CRASH_KERNEL));
                    // remove the 0-0 lines from the bottom up, so the earlier indexes stay right
                    zeroCrash.stream().sorted(Comparator.reverseOrder())
                            .forEach(n -> lines.remove(n - 1 + (n - 1 >= at ? 1 : 0)));
                    return Optional.of(String.join("\n", lines) + "\n");
                }
            }
        }
        return Optional.empty();
    }

    // The 0-based index the new child line goes to: before the first child starting above it, else after the last
    // line of the entry's subtree.
    private static int insertionLine(IomemEntry parent, long start, List<Integer> skipped) {
        for (IomemEntry c : parent.children()) {
            if (!skipped.contains(c.line()) && c.start() > start) {
                return c.line() - 1;
            }
        }
        return lastLine(parent);
    }

    private static int lastLine(IomemEntry e) {
        return e.children().isEmpty() ? e.line() : lastLine(e.children().get(e.children().size() - 1));
    }
}
