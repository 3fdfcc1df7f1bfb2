package io.handoff.simulator;

/**
 * A device answering x86 port I/O on the reference machine's {@link PortBus}.
 */
public interface PortDevice {
    /** Read a byte from a port of this device. */
    int inb(int port);

    /** Write a byte to a port of this device. */
    void outb(int port, int value);
}
