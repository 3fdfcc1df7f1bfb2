package io.handoff.lastwords;

/**
 * The answer to Get Device ID (NetFn App 0x06, Cmd 0x01): who the BMC is.
 *
 * @param deviceId the device id
 * @param deviceRevision the revision (bits 3:0)
 * @param providesSdrs whether the device provides SDRs (bit 7 of the revision byte)
 * @param firmwareMajor the major firmware revision (bits 6:0, binary)
 * @param firmwareMinor the minor firmware revision, decoded from BCD
 * @param updating whether a firmware update or self-initialisation is in progress (bit 7)
 * @param ipmiVersion the IPMI version as {@code major.minor}, such as {@code 2.0}
 * @param additionalSupport the additional device support bits (bit 2 SEL device, bit 0 sensor device …)
 * @param manufacturerId the IANA manufacturer id (20 bits)
 * @param productId the product id
 * @since 0.1
 */
public record DeviceId(int deviceId, int deviceRevision, boolean providesSdrs, int firmwareMajor, int firmwareMinor,
                       boolean updating, String ipmiVersion, int additionalSupport, int manufacturerId,
                       int productId) {
    /** The command number. */
    public static final int CMD = 0x01;
    /** The data bytes (after the completion code) every Get Device ID response carries. */
    public static final int MIN_DATA = 11;
    /** Additional device support bit: the BMC has a System Event Log. */
    public static final int SUPPORTS_SEL = 0x04;

    /** Return the request. */
    public static IpmiRequest request() {
        return IpmiRequest.of(NetFn.APP, CMD);
    }

    /** Tell whether the BMC says it has a SEL device. */
    public boolean hasSel() {
        return (additionalSupport & SUPPORTS_SEL) != 0;
    }

    /**
     * Decode a successful response.
     *
     * @param response the response to {@link #request()}
     * @return the device id
     * @throws IllegalArgumentException when the response answers another command, failed or is short
     */
    public static DeviceId parse(IpmiResponse response) {
        if (!response.answers(request())) {
            throw new IllegalArgumentException("not a Get Device ID response: " + response);
        }
        if (!response.ok()) {
            throw new IllegalArgumentException(String.format("Get Device ID failed: cc 0x%02X", response.completionCode()));
        }
        byte[] d = response.data();
        if (d.length < MIN_DATA) {
            throw new IllegalArgumentException("Get Device ID response: " + d.length + " data bytes, need " + MIN_DATA);
        }
        int version = Bytes.u8(d[4]);
        return new DeviceId(Bytes.u8(d[0]), d[1] & 0x0F, (d[1] & 0x80) != 0, d[2] & 0x7F, bcd(d[3]),
                (d[2] & 0x80) != 0, (version & 0x0F) + "." + (version >> 4), Bytes.u8(d[5]),
                (Bytes.u8(d[6]) | Bytes.u8(d[7]) << 8 | Bytes.u8(d[8]) << 16) & 0xFFFFF,
                Bytes.u8(d[9]) | Bytes.u8(d[10]) << 8);
    }

    private static int bcd(byte b) {
        return (Bytes.u8(b) >> 4) * 10 + (b & 0x0F);
    }
}
