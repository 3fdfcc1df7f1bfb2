package io.handoff.lastwords;

import java.nio.charset.StandardCharsets;

/**
 * The Platform Event Message (NetFn Sensor/Event 0x04, Cmd 0x02) that records a panic in the BMC's SEL.
 *
 * <p>The 8 data bytes are Linux's panic event ({@code send_panic_events}): an "OS Critical Stop" sensor-specific
 * assertion with event data 1 = 0xA1 (run-time critical stop, OEM codes in data 2 and 3), the sensor number
 * and the event data 2 and 3 carrying the first three characters of the panic text. Only the generator
 * differs: Linux sends software id 0x20 (generator byte 0x41); handoff's purgatory is software id
 * {@value #SOFTWARE_ID} (generator byte 0x43), so a SEL reader can tell who recorded the crash.
 *
 * @since 0.1
 */
public final class PlatformEvent {
    /** The command number. */
    public static final int CMD = 0x02;
    /** The IPMI software id of handoff's purgatory. */
    public static final int SOFTWARE_ID = 0x21;
    /** The generator id byte: software id in bits 7:1, bit 0 set for "software". */
    public static final int GENERATOR_ID = SOFTWARE_ID << 1 | 1;
    /** Event message format revision: IPMI 1.0 format, as Linux sends through the system interface. */
    public static final int EVM_REV = 0x03;
    /** Sensor type OS Critical Stop. */
    public static final int SENSOR_TYPE_OS_CRITICAL_STOP = 0x20;
    /** Event direction and type: assertion, sensor-specific. */
    public static final int EVENT_TYPE_SENSOR_SPECIFIC = 0x6F;
    /** Event data 1: OEM codes in data 2 and 3, offset 1 (run-time critical stop). */
    public static final int EVENT_DATA1_RUNTIME_STOP = 0xA1;

    private PlatformEvent() {
    }

    /**
     * Return the panic event request.
     *
     * @param text the panic text whose first three ASCII characters go into the sensor number and event data
     *     2 and 3 (missing characters are 0, as Linux sends without a panic string); may be empty
     * @return the request, 8 data bytes
     */
    public static IpmiRequest panic(String text) {
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        return IpmiRequest.of(NetFn.SENSOR_EVENT, CMD,
                (byte) GENERATOR_ID,
                (byte) EVM_REV,
                (byte) SENSOR_TYPE_OS_CRITICAL_STOP,
                at(t, 0),
                (byte) EVENT_TYPE_SENSOR_SPECIFIC,
                (byte) EVENT_DATA1_RUNTIME_STOP,
                at(t, 1),
                at(t, 2));
    }

    private static byte at(byte[] text, int i) {
        return i < text.length ? text[i] : 0;
    }
}
