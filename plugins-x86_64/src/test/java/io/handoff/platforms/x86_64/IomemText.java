package io.handoff.platforms.x86_64;

import io.handoff.api.machine.Iomem;
import io.handoff.api.machine.IomemEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A minimal /proc/iomem reader for tests (the real parser lives in framework/core). */
final class IomemText {
    private IomemText() {
    }

    static Iomem read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Iomem parse(String text) {
        List<Node> roots = new ArrayList<>();
        List<Node> stack = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            int indent = 0;
            while (line.charAt(indent) == ' ') {
                indent++;
            }
            int depth = indent / 2;
            String body = line.substring(indent);
            int dash = body.indexOf('-');
            int colon = body.indexOf(" : ");
            Node node = new Node(Long.parseUnsignedLong(body.substring(0, dash), 16),
                    Long.parseUnsignedLong(body.substring(dash + 1, colon), 16), body.substring(colon + 3), depth,
                    i + 1);
            while (stack.size() > depth) {
                stack.remove(stack.size() - 1);
            }
            (stack.isEmpty() ? roots : stack.get(stack.size() - 1).children).add(node);
            stack.add(node);
        }
        return new Iomem(roots.stream().map(Node::entry).toList());
    }

    private static final class Node {
        final long start;
        final long end;
        final String name;
        final int depth;
        final int line;
        final List<Node> children = new ArrayList<>();

        Node(long start, long end, String name, int depth, int line) {
            this.start = start;
            this.end = end;
            this.name = name;
            this.depth = depth;
            this.line = line;
        }

        IomemEntry entry() {
            return new IomemEntry(start, end, name, depth, line, children.stream().map(Node::entry).toList());
        }
    }
}
