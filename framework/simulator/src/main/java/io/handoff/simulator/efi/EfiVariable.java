package io.handoff.simulator.efi;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A UEFI variable the simulated firmware holds.
 *
 * @param name the name (UCS-2 in the call, without its terminating NUL)
 * @param guid the vendor GUID in its registry form, such as {@code 8be4df61-93ca-11d2-aa0d-00e098032b8c}
 * @param attributes the attributes (NV 1, BS 2, RT 4)
 * @param data the value
 * @since 0.3
 */
public record EfiVariable(String name, String guid, long attributes, byte[] data) {
    /** EFI_GLOBAL_VARIABLE: BootNext, BootOrder, Boot####. */
    public static final String GLOBAL = "8be4df61-93ca-11d2-aa0d-00e098032b8c";

    public EfiVariable {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(guid, "guid");
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Return one line: {@code BootNext-8be4df61-...: attributes 0x7, 2 bytes 11 00}. */
    public String describe() {
        return String.format("%s-%s: attributes %#x, %d bytes %s", name, guid, attributes, data.length,
                HexFormat.ofDelimiter(" ").formatHex(data, 0, Math.min(data.length, 32))
                        + (data.length > 32 ? " ..." : ""));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EfiVariable v && name.equals(v.name) && guid.equals(v.guid) && attributes == v.attributes
                && Arrays.equals(data, v.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, guid, attributes) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "EfiVariable[" + describe() + "]";
    }
}
