package io.handoff.lastwords;

import java.util.Arrays;
import java.util.Objects;

/**
 * An IPMI response as read from the system interface: {@code [(NetFn|1)<<2 | LUN, Cmd, Completion Code, data…]}.
 *
 * <p>Decoding wire bytes from a (simulated) BMC is not user input: malformed bytes fail with an
 * {@link IllegalArgumentException}.
 *
 * @param netFn the response network function (odd)
 * @param lun the logical unit
 * @param cmd the command answered
 * @param completionCode 0 for success; {@link #CC_UNSPECIFIED} for a response too short to carry one
 * @param data the response data after the completion code (copied)
 * @since 0.1
 */
public record IpmiResponse(int netFn, int lun, int cmd, int completionCode, byte[] data) {
    /** Completion code: success. */
    public static final int CC_OK = 0x00;
    /** Completion code: unspecified error; Linux reports it for a response without a completion code. */
    public static final int CC_UNSPECIFIED = 0xFF;

    /** Check the fields and copy the data. */
    public IpmiResponse {
        Bytes.checkRange("netFn", netFn, 0x3F);
        Bytes.checkRange("lun", lun, 3);
        Bytes.checkRange("cmd", cmd, 0xFF);
        Bytes.checkRange("completionCode", completionCode, 0xFF);
        data = Objects.requireNonNull(data, "data").clone();
    }

    /**
     * Decode a response; a response of only header and command gets {@link #CC_UNSPECIFIED}, as Linux does.
     *
     * @param bytes the bytes read from the KCS data register
     * @return the response
     * @throws IllegalArgumentException for fewer than 2 bytes or a request (even) NetFn
     */
    public static IpmiResponse parse(byte[] bytes) {
        if (bytes.length < 2) {
            throw new IllegalArgumentException("IPMI response of " + bytes.length + " bytes: need at least 2 (header, command)");
        }
        int netFn = Bytes.u8(bytes[0]) >> 2;
        if ((netFn & 1) == 0) {
            throw new IllegalArgumentException(String.format("IPMI response at offset 0: NetFn 0x%02X is a request", netFn));
        }
        int cc = bytes.length < 3 ? CC_UNSPECIFIED : Bytes.u8(bytes[2]);
        byte[] data = bytes.length <= 3 ? new byte[0] : Arrays.copyOfRange(bytes, 3, bytes.length);
        return new IpmiResponse(netFn, bytes[0] & 3, Bytes.u8(bytes[1]), cc, data);
    }

    /**
     * Decode the response to a request, checking its header as the purgatory runtime does.
     *
     * @param request the request answered
     * @param bytes the bytes read
     * @return the response; {@link #CC_UNSPECIFIED} when it carries no completion code
     * @throws IllegalArgumentException when the bytes do not answer this request
     */
    public static IpmiResponse parse(IpmiRequest request, byte[] bytes) {
        IpmiResponse response = parse(bytes);
        if (!response.answers(request)) {
            throw new IllegalArgumentException(String.format(
                    "IPMI response header %02X %02X does not answer request %02X %02X", bytes[0], bytes[1],
                    request.bytes()[0], request.bytes()[1]));
        }
        return response;
    }

    /** Tell whether this response answers the request: NetFn + 1, same LUN and command. */
    public boolean answers(IpmiRequest request) {
        return netFn == (request.netFn() | 1) && lun == request.lun() && cmd == request.cmd();
    }

    /** Tell whether the completion code is 0. */
    public boolean ok() {
        return completionCode == CC_OK;
    }

    /** Return a copy of the response data. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Return the wire bytes: header, command, completion code, data. */
    public byte[] bytes() {
        byte[] out = new byte[3 + data.length];
        out[0] = (byte) (netFn << 2 | lun);
        out[1] = (byte) cmd;
        out[2] = (byte) completionCode;
        System.arraycopy(data, 0, out, 3, data.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpmiResponse r && r.netFn == netFn && r.lun == lun && r.cmd == cmd
                && r.completionCode == completionCode && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(netFn, lun, cmd, completionCode, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return String.format("IpmiResponse[netFn=0x%02X, lun=%d, cmd=0x%02X, cc=0x%02X, data=%s]", netFn, lun, cmd,
                completionCode, Bytes.hex(data));
    }
}
