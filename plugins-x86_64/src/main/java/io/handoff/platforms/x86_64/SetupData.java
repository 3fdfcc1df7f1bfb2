package io.handoff.platforms.x86_64;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A boot protocol {@code setup_data} node: {@code u64 next; u32 type; u32 len;} followed by {@code len} bytes.
 *
 * @param type the node type ({@code SETUP_E820_EXT} 1, {@code SETUP_EFI} 4, {@code SETUP_RNG_SEED} 9 …)
 * @param payload the data after the 16-byte header
 * @since 0.1
 */
public record SetupData(int type, byte[] payload) {
    /** The size of the node header. */
    public static final int HEADER_BYTES = 16;

    public SetupData {
        payload = Objects.requireNonNull(payload, "payload").clone();
    }

    /** Return a copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Encode the node with its {@code next} pointer (0 ends the list). */
    public byte[] encode(long next) {
        return ByteBuffer.allocate(HEADER_BYTES + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(next).putInt(type).putInt(payload.length).put(payload).array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SetupData d && type == d.type && Arrays.equals(payload, d.payload);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "SetupData[type=" + type + ", len=" + payload.length + "]";
    }
}
