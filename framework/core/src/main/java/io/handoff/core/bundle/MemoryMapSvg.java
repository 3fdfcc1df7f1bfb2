package io.handoff.core.bundle;

import io.handoff.api.machine.IomemEntry;
import io.handoff.api.machine.Machine;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.Segment;
import io.handoff.core.plan.HandoffImage;
import io.handoff.core.plan.PlanSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws {@code memory-map.svg}: the machine's physical memory, the crash region and every placed segment.
 *
 * <p>Three bands, top to bottom: the whole physical map (block widths log-scaled so a 4 KiB reserved page
 * and 1 TiB of PCI space are both visible; past {@value #MAX_BLOCKS} top-level entries neighbours are merged and
 * the band says how many ranges it aggregated), the load window (the crash region, or the span the segments
 * use) drawn to scale with each segment labelled, a zoomed band for segments too thin to see at that scale,
 * and a table of the segments.
 */
public final class MemoryMapSvg {
    private static final int WIDTH = 1100;
    private static final int MARGIN = 20;
    private static final int ROWS = 5;
    /** The most blocks the physical band draws; more top-level entries are aggregated. */
    static final int MAX_BLOCKS = 300;
    private static final String MIXED = "#bdbdbd";
    private static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
        "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"};

    private MemoryMapSvg() {
    }

    /**
     * Render the picture.
     *
     * @param image the plan
     * @param machine the machine
     * @return SVG text
     */
    public static String render(HandoffImage image, Machine machine) {
        StringBuilder body = new StringBuilder();
        int y = MARGIN;
        text(body, MARGIN, y + 14, 18, "bold", String.format("%s %s plan: physical memory and segments",
                image.platformId(), image.request().crash() ? "kdump" : "kexec"));
        y += 34;
        y = physicalBand(body, machine, image, y);
        y = loadBand(body, image, y + 20);
        y = table(body, image, y + 20);
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + WIDTH + "\" height=\"" + (y + MARGIN)
                + "\" viewBox=\"0 0 " + WIDTH + " " + (y + MARGIN) + "\" font-family=\"DejaVu Sans, sans-serif\">\n"
                + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body + "</svg>\n";
    }

    private static int physicalBand(StringBuilder b, Machine machine, HandoffImage image, int y) {
        List<Block> blocks = blocks(machine.iomem().roots());
        int merged = machine.iomem().roots().size() - blocks.size();
        text(b, MARGIN, y + 12, 13, "bold", "Physical memory (/proc/iomem top level; widths log-scaled)"
                + (merged > 0 ? String.format("; %d ranges aggregated into %d blocks", machine.iomem().roots().size(),
                        blocks.size()) : ""));
        y += 20;
        List<MemoryRange> crashRegions = machine.iomem().crashRegions();
        double total = 0;
        for (Block e : blocks) {
            total += weight(e.size());
        }
        double x = MARGIN;
        double usable = WIDTH - 2 * MARGIN;
        int h = 34;
        int labelRow = 0;
        for (Block e : blocks) {
            double w = usable * weight(e.size()) / total;
            rect(b, x, y, w, h, e.fill(), "#333", e.title());
            for (MemoryRange crash : crashRegions) {
                if (crash.start() >= e.start() && crash.end() <= e.end()) {
                    // draw the crash region inside its RAM block at its true relative position
                    double cx = x + w * (crash.start() - e.start()) / (double) e.size();
                    double cw = Math.max(2, w * crash.size() / (double) e.size());
                    boolean used = image.crashRegion().map(c -> c.equals(crash)).orElse(false);
                    rect(b, cx, y + 4, cw, h - 8, used ? "#f4a582" : "#fddbc7", "#b2182b",
                            "Crash kernel " + span(crash.start(), crash.end()));
                    text(b, cx + 2, y + h / 2.0 + 4, 10, "normal", "crash");
                }
            }
            if (w > 40) {
                text(b, x + 3, y + 12, 10, "normal", shortName(e.name(), w));
            }
            if (w > 14) {
                text(b, x + 2, y + h + 12 + 11 * (labelRow++ % 2), 9, "normal", String.format("%#x", e.start()));
            }
            x += w;
        }
        y += h + 34;
        legend(b, MARGIN, y);
        return y + 14;
    }

    /**
     * The blocks of the physical band: one per top-level entry, or, past {@link #MAX_BLOCKS} entries, runs of
     * neighbours merged, first those of the same kind, then equal runs of any kind, so the picture stays readable
     * and its size bounded whatever the file's length. Linear in the number of entries.
     */
    static List<Block> blocks(List<IomemEntry> roots) {
        List<Block> blocks = new ArrayList<>(Math.min(roots.size(), MAX_BLOCKS + 1));
        if (roots.size() <= MAX_BLOCKS) {
            for (IomemEntry e : roots) {
                blocks.add(new Block(e.start(), e.end(), e.name(), fill(e.type()), 1));
            }
            return blocks;
        }
        List<Block> same = new ArrayList<>();
        for (IomemEntry e : roots) {
            String fill = fill(e.type());
            Block last = same.isEmpty() ? null : same.get(same.size() - 1);
            if (last != null && last.fill().equals(fill)) {
                same.set(same.size() - 1, last.merge(e.start(), e.end(), e.name(), fill, 1));
            } else {
                same.add(new Block(e.start(), e.end(), e.name(), fill, 1));
            }
        }
        if (same.size() <= MAX_BLOCKS) {
            return same;
        }
        int per = (same.size() + MAX_BLOCKS - 1) / MAX_BLOCKS;
        for (int i = 0; i < same.size(); i += per) {
            Block run = same.get(i);
            for (int j = i + 1; j < Math.min(same.size(), i + per); j++) {
                Block next = same.get(j);
                run = run.merge(next.start(), next.end(), "mixed", MIXED, next.count());
            }
            blocks.add(run);
        }
        return blocks;
    }

    /**
     * One drawn block of the physical band: a top-level entry, or neighbours merged.
     *
     * @param start the lowest first byte
     * @param end the highest last byte
     * @param name the entry's name, the first entry's name of a run of one kind, or {@code mixed}
     * @param fill the colour of the entries' kind
     * @param count how many entries the block stands for
     */
    record Block(long start, long end, String name, String fill, int count) {
        long size() {
            long n = end - start + 1;
            return n > 0 ? n : Long.MAX_VALUE; // 0 to 2^63 - 1 does not fit

        }

        Block merge(long otherStart, long otherEnd, String otherName, String otherFill, int otherCount) {
            boolean sameKind = fill.equals(otherFill);
            return new Block(Math.min(start, otherStart), Math.max(end, otherEnd), sameKind ? name : "mixed",
                    sameKind ? fill : MIXED, count + otherCount);
        }

        String title() {
            return count == 1 ? name + " " + span(start, end)
                    : String.format("%d ranges aggregated (%s) %s", count, name, span(start, end));
        }
    }

    private static int loadBand(StringBuilder b, HandoffImage image, int y) {
        List<Segment> segs = image.segments();
        long lo;
        long hi;
        String title;
        if (image.crashRegion().isPresent()) {
            lo = image.crashRegion().get().start();
            hi = image.crashRegion().get().end();
            title = "Crash region " + span(lo, hi) + ", to scale";
        } else if (!segs.isEmpty()) {
            lo = segs.get(0).mem() & -(1L << 20);
            hi = (segs.get(segs.size() - 1).end() | ((1L << 20) - 1));
            title = "Load window " + span(lo, hi) + " (the span the segments use), to scale";
        } else {
            return y;
        }
        y = band(b, image, title, lo, hi, y);
        // segments too thin to read at that scale get a second, zoomed band of their own
        double span = hi - lo + 1;
        List<Segment> thin = segs.stream().filter(s -> s.memsz() / span < 0.02).toList();
        if (thin.size() >= 2) {
            long dlo = thin.stream().mapToLong(Segment::mem).min().orElseThrow() & -(64L << 10);
            long dhi = thin.stream().mapToLong(Segment::end).max().orElseThrow() | ((64L << 10) - 1);
            y = band(b, image, "Detail " + span(dlo, dhi) + " (the small segments), to scale", dlo, dhi, y + 16);
        }
        return y;
    }

    private static int band(StringBuilder b, HandoffImage image, String title, long lo, long hi, int y) {
        List<Segment> segs = image.segments();
        text(b, MARGIN, y + 12, 13, "bold", title);
        y += 22;
        double usable = WIDTH - 2 * MARGIN;
        double span = hi - lo + 1;
        int h = 40;
        int top = 12 * ROWS + 6;
        rect(b, MARGIN, y + top, usable, h, "#f7f7f7", "#999", "free");
        List<double[]> labels = new ArrayList<>();
        for (int i = 0; i < segs.size(); i++) {
            Segment s = segs.get(i);
            if (s.end() < lo || s.mem() > hi) {
                continue;
            }
            long from = Math.max(s.mem(), lo);
            long to = Math.min(s.end(), hi);
            double x = MARGIN + usable * (from - lo) / span;
            double w = Math.max(3, usable * (to - from + 1) / span);
            rect(b, x, y + top, w, h, PALETTE[i % PALETTE.length], "#222",
                    s.role() + " " + span(s.mem(), s.end()) + " " + PlanSession.human(s.memsz()));
            labels.add(new double[] {x + w / 2, i});
        }
        // labels above the bar, staggered into rows so that neighbours never overlap
        double[] rowEnd = new double[ROWS];
        for (double[] l : labels) {
            Segment s = segs.get((int) l[1]);
            String label = s.role() + " " + PlanSession.human(s.memsz());
            double lw = label.length() * 6.2;
            double lx = Math.min(Math.max(MARGIN, l[0] - lw / 2), WIDTH - MARGIN - lw);
            int row = 0;
            while (row < rowEnd.length - 1 && rowEnd[row] > lx) {
                row++;
            }
            rowEnd[row] = lx + lw + 6;
            double ly = y + top - 6 - row * 12;
            line(b, l[0], ly + 2, l[0], y + top);
            text(b, lx, ly, 10, "normal", label);
        }
        y += top + h;
        text(b, MARGIN, y + 14, 10, "normal", String.format("%#x", lo));
        String end = String.format("%#x", hi);
        text(b, WIDTH - MARGIN - end.length() * 6.2, y + 14, 10, "normal", end);
        return y + 20;
    }

    private static int table(StringBuilder b, HandoffImage image, int y) {
        text(b, MARGIN, y + 12, 13, "bold", "Segments");
        y += 20;
        List<Segment> segs = image.segments();
        for (int i = 0; i < segs.size(); i++) {
            Segment s = segs.get(i);
            rect(b, MARGIN, y, 12, 12, PALETTE[i % PALETTE.length], "#222", s.role());
            text(b, MARGIN + 18, y + 10, 11, "normal", String.format(Locale.ROOT,
                    "%2d  %-12s %s  memsz %s  bufsz %s", i, s.role(), span(s.mem(), s.end()),
                    PlanSession.human(s.memsz()), PlanSession.human(s.bufsz())));
            y += 16;
        }
        if (!image.purgatory()) {
            text(b, MARGIN, y + 12, 11, "italic", "No purgatory segment: the platform ships no purgatory image.");
            y += 16;
        }
        return y;
    }

    private static void legend(StringBuilder b, int x, int y) {
        String[][] items = {{"#a6d96a", "RAM"}, {"#d9d9d9", "reserved / ACPI"}, {"#f0f0f0", "I/O, ROM, other"},
            {"#f4a582", "crash region used"}, {"#fddbc7", "other crash region"}};
        for (String[] it : items) {
            rect(b, x, y - 9, 12, 12, it[0], "#333", it[1]);
            text(b, x + 16, y + 1, 10, "normal", it[1]);
            x += 24 + it[1].length() * 6;
        }
    }

    private static double weight(long size) {
        return Math.max(1, Math.log(size) / Math.log(2) - 9);
    }

    private static String fill(RangeType t) {
        return switch (t) {
            case RAM -> "#a6d96a";
            case RESERVED, ACPI, ACPI_NVS, PMEM, PRAM, UNCACHED -> "#d9d9d9";
            default -> "#f0f0f0";
        };
    }

    private static String shortName(String name, double width) {
        int max = (int) (width / 6);
        return name.length() <= max ? name : name.substring(0, Math.max(1, max - 1)) + "…";
    }

    private static String span(long start, long end) {
        return String.format("%#x-%#x", start, end);
    }

    private static void rect(StringBuilder b, double x, double y, double w, double h, String fill, String stroke,
                             String title) {
        b.append(String.format(Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"0.5\">"
                        + "<title>%s</title></rect>%n", x, y, w, h, fill, stroke, escape(title)));
    }

    private static void line(StringBuilder b, double x1, double y1, double x2, double y2) {
        b.append(String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#666\" stroke-width=\"0.6\"/>%n",
                x1, y1, x2, y2));
    }

    private static void text(StringBuilder b, double x, double y, int size, String weight, String s) {
        String style = weight.equals("italic") ? "font-style=\"italic\"" : "font-weight=\"" + weight + "\"";
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" %s>%s</text>%n",
                x, y, size, style, escape(s)));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
