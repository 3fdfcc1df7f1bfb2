package io.handoff.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * The x86 I/O port space: dispatches {@code inb}/{@code outb} to the device mapped at the port.
 *
 * <p>Unmapped ports read {@code 0xFF} (a floating ISA bus) and ignore writes, as on a PC. Every access
 * costs {@link VirtualClock#PORT_ACCESS_NS} of virtual time, before the device sees it.
 */
public final class PortBus {
    private record Mapping(int first, int last, PortDevice device) {
    }

    private final VirtualClock clock;
    private final List<Mapping> mappings = new ArrayList<>();
    private final List<int[]> unmappedWrites = new ArrayList<>();

    /**
     * Create an empty bus.
     *
     * @param clock the clock every access advances
     */
    public PortBus(VirtualClock clock) {
        this.clock = clock;
    }

    /**
     * Map a device at the ports {@code [first, first + count)}.
     *
     * @throws IllegalArgumentException when the range overlaps a mapped device or leaves the 16-bit space
     */
    public PortBus map(int first, int count, PortDevice device) {
        int last = first + count - 1;
        if (first < 0 || count < 1 || last > 0xFFFF) {
            throw new IllegalArgumentException(String.format("bad port range %#x+%d", first, count));
        }
        for (Mapping m : mappings) {
            if (first <= m.last() && m.first() <= last) {
                throw new IllegalArgumentException(String.format("ports %#x-%#x overlap %#x-%#x", first, last,
                        m.first(), m.last()));
            }
        }
        mappings.add(new Mapping(first, last, device));
        return this;
    }

    /** Read a byte: the device's answer, or {@code 0xFF} for an unmapped port. */
    public int inb(int port) {
        clock.portAccess();
        Mapping m = find(port & 0xFFFF);
        return m == null ? 0xFF : m.device().inb(port & 0xFFFF) & 0xFF;
    }

    /** Write a byte; writes to unmapped ports are remembered (a reset through 0xCF9 shows up there). */
    public void outb(int port, int value) {
        clock.portAccess();
        Mapping m = find(port & 0xFFFF);
        if (m == null) {
            unmappedWrites.add(new int[] {port & 0xFFFF, value & 0xFF});
        } else {
            m.device().outb(port & 0xFFFF, value & 0xFF);
        }
    }

    /** Return the writes that reached no device, as {port, value} pairs in order. */
    public List<int[]> unmappedWrites() {
        return List.copyOf(unmappedWrites);
    }

    private Mapping find(int port) {
        for (Mapping m : mappings) {
            if (port >= m.first() && port <= m.last()) {
                return m;
            }
        }
        return null;
    }
}
