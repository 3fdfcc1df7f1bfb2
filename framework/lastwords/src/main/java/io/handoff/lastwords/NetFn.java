package io.handoff.lastwords;

/**
 * The IPMI network functions (request codes; the response is the code + 1) last words use.
 */
public final class NetFn {
    /** Sensor/Event: Platform Event Message, Get Event Receiver. */
    public static final int SENSOR_EVENT = 0x04;
    /** Application: Get Device ID and the BMC watchdog commands. */
    public static final int APP = 0x06;
    /** Storage: the System Event Log (Add SEL Entry). */
    public static final int STORAGE = 0x0A;

    private NetFn() {
    }
}
