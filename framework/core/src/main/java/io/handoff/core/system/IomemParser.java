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
 * Parses {@code /proc/iomem} into its resource tree, refusing text no kernel prints.
 *
 * <p>Each line is {@code start-end : name} with inclusive hexadecimal bounds, nested two spaces per level. The
 * tree is built from the indentation alone, the way the kernel prints it: real kernels print zero-size and
 * {@code 0-0} entries (every range reads {@code 0-0} without root privileges), siblings that overlap (a
 * framebuffer beside the PCI device it lies in) and children that reach outside their parent, and kexec-tools
 * reads such files line by line without complaint, so they are accepted here too. Refused, with a one-line error
 * naming the file and line: a line that is not {@code start-end : name}, a bound that is not hexadecimal or
 * passes 2^63, an inverted range (start above end), and indentation the kernel cannot print (odd, or deeper
 * than one level below the previous line).
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
        return new Iomem(build(lex(text, machinePath), machinePath));
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

    // The tree follows the indentation only: the kernel prints each resource right after its parent, two spaces
    // deeper, and nothing more can be asked of the addresses (see the class comment).
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
            Node node = new Node(line);
            (parent == null ? roots : parent.children).add(node);
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
