package io.handoff.core.system;

import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.IomemEntry;
import io.handoff.api.machine.SystemView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code /proc/iomem} into its resource tree, refusing files the kernel could not have written.
 *
 * <p>Each line is {@code start-end : name} with inclusive hexadecimal bounds, nested two spaces per level.
 * The structural rules are the kernel's resource-tree invariants: a child lies inside its parent, siblings
 * are in address order and do not overlap. A file read without root privileges (every range {@code 0-0})
 * is refused with a message that says so, as its addresses are meaningless.
 */
public final class IomemParser {
    private static final Pattern LINE = Pattern.compile("( *)([^ -]+)-([^ ]+) : (.*)");

    private IomemParser() {
    }

    /** Read and parse {@link MachinePaths#IOMEM} from a view. */
    public static Iomem read(SystemView view) {
        return parse(view.readString(MachinePaths.IOMEM), MachinePaths.IOMEM);
    }

    /**
     * Parse the text of an iomem file.
     *
     * @param text the file's content
     * @param machinePath the path named in error messages, such as {@code /proc/iomem}
     * @return the resource tree, roots in file order
     * @throws io.handoff.api.HandoffException {@code MALFORMED_PROFILE} naming the line and the problem
     */
    public static Iomem parse(String text, String machinePath) {
        List<Line> lines = lex(text, machinePath);
        if (lines.size() > 1 && lines.stream().allMatch(l -> l.start == 0 && l.end == 0)) {
            throw Numbers.malformed(machinePath,
                    "every range is 0-0 (the file was read without root privileges)");
        }
        return new Iomem(build(lines, machinePath));
    }

    private static List<Line> lex(String text, String machinePath) {
        List<Line> out = new ArrayList<>();
        String[] raw = text.split("\n");
        for (int i = 0; i < raw.length; i++) {
            int number = i + 1;
            String where = machinePath + " line " + number;
            String s = raw[i];
            if (i == raw.length - 1 && s.isEmpty()) {
                break;
            }
            Matcher m = LINE.matcher(s);
            if (!m.matches()) {
                throw Numbers.malformed(where, "not 'start-end : name': '" + abbreviate(s) + "'");
            }
            int indent = m.group(1).length();
            if (indent % 2 != 0) {
                throw Numbers.malformed(where, "odd indentation of " + indent + " spaces");
            }
            long start = Numbers.hex(m.group(2), false, where);
            long end = Numbers.hex(m.group(3), false, where);
            if (end < start) {
                throw Numbers.malformed(where, "inverted range " + m.group(2) + "-" + m.group(3));
            }
            out.add(new Line(number, indent / 2, start, end, m.group(4)));
        }
        return out;
    }

    private static List<IomemEntry> build(List<Line> lines, String machinePath) {
        // Nodes under construction: the open path from a root to the line last read.
        Deque<Node> open = new ArrayDeque<>();
        List<Node> roots = new ArrayList<>();
        for (Line line : lines) {
            String where = machinePath + " line " + line.number;
            if (line.depth > open.size()) {
                throw Numbers.malformed(where, open.isEmpty()
                        ? "indented to level " + line.depth + " with no parent line"
                        : "indented to level " + line.depth + ", more than one level under line "
                                + open.peek().line.number);
            }
            while (open.size() > line.depth) {
                open.pop();
            }
            Node parent = open.peek();
            List<Node> siblings = parent == null ? roots : parent.children;
            if (parent != null && (line.start < parent.line.start || line.end > parent.line.end)) {
                throw Numbers.malformed(where, String.format("%x-%x is not inside its parent %x-%x at line %d",
                        line.start, line.end, parent.line.start, parent.line.end, parent.line.number));
            }
            if (!siblings.isEmpty()) {
                Line previous = siblings.get(siblings.size() - 1).line;
                if (line.start <= previous.end && previous.start <= line.end) {
                    throw Numbers.malformed(where, String.format("%x-%x overlaps its sibling %x-%x at line %d",
                            line.start, line.end, previous.start, previous.end, previous.number));
                }
                if (line.start < previous.start) {
                    throw Numbers.malformed(where, String.format("%x-%x is out of address order after %x-%x at line %d",
                            line.start, line.end, previous.start, previous.end, previous.number));
                }
            }
            Node node = new Node(line);
            siblings.add(node);
            open.push(node);
        }
        return roots.stream().map(Node::toEntry).toList();
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private record Line(int number, int depth, long start, long end, String name) {
    }

    private static final class Node {
        final Line line;
        final List<Node> children = new ArrayList<>();

        Node(Line line) {
            this.line = line;
        }

        IomemEntry toEntry() {
            return new IomemEntry(line.start, line.end, line.name, line.depth, line.number,
                    children.stream().map(Node::toEntry).toList());
        }
    }
}
