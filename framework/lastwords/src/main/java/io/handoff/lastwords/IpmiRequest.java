package io.handoff.lastwords;

import java.util.Arrays;
import java.util.Objects;

/**
 * An IPMI request as the system interface (KCS) carries it: {@code [NetFn<<2 | LUN, Cmd, data…]}.
 *
 * @param netFn the network function of the request (even, 0..0x3F)
 * @param lun the logical unit (0..3), 0 for the BMC
 * @param cmd the command (0..0xFF)
 * @param data the request data (copied)
 * @since 0.1
 */
public record IpmiRequest(int netFn, int lun, int cmd, byte[] data) {
    /** The longest request a purgatory {@code ipmi-request} step carries (FORMAT.md §7). */
    public static final int MAX_WIRE_LENGTH = 40;

    /** Check the fields and copy the data. */
    public IpmiRequest {
        Bytes.checkRange("netFn", netFn, 0x3F);
        if ((netFn & 1) != 0) {
            throw new IllegalArgumentException("netFn of a request must be even, got 0x" + Integer.toHexString(netFn));
        }
        Bytes.checkRange("lun", lun, 3);
        Bytes.checkRange("cmd", cmd, 0xFF);
        data = Objects.requireNonNull(data, "data").clone();
        if (data.length + 2 > MAX_WIRE_LENGTH) {
            throw new IllegalArgumentException("IPMI request of " + (data.length + 2) + " bytes, at most "
                    + MAX_WIRE_LENGTH + " fit a purgatory step");
        }
    }

    /** Create a request to LUN 0 (the BMC). */
    public static IpmiRequest of(int netFn, int cmd, byte... data) {
        return new IpmiRequest(netFn, 0, cmd, data);
    }

    /** Return a copy of the request data. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Return the bytes written to the KCS data register: header, command, data. */
    public byte[] bytes() {
        byte[] out = new byte[2 + data.length];
        out[0] = (byte) (netFn << 2 | lun);
        out[1] = (byte) cmd;
        System.arraycopy(data, 0, out, 2, data.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpmiRequest r && r.netFn == netFn && r.lun == lun && r.cmd == cmd
                && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(netFn, lun, cmd, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return String.format("IpmiRequest[netFn=0x%02X, lun=%d, cmd=0x%02X, data=%s]", netFn, lun, cmd, Bytes.hex(data));
    }
}
