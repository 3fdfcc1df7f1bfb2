package io.handoff.firmware.efi;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * An EFI_LOAD_OPTION for a {@code Boot####} variable: attributes, the device-path length, a UCS-2 description, then
 * {@code HD(partition)/File(path)/End} (UEFI 2.10 §3.1.3, §10.3.5.1, §10.3.5.4).
 *
 * @param attributes LOAD_OPTION_ACTIVE and friends
 * @param description the name firmware menus show
 * @param partition the EFI system partition the file is on
 * @param path the file's path on it, with backslashes
 */
record LoadOption(int attributes, String description, EspPartition partition, String path) {
    /** LOAD_OPTION_ACTIVE. */
    static final int ACTIVE = 0x1;

    /** Return the variable's data. */
    byte[] encode() {
        ByteArrayOutputStream dp = new ByteArrayOutputStream();
        dp.writeBytes(partition.hardDriveNode());
        byte[] file = ucs2(path);
        ByteBuffer f = ByteBuffer.allocate(4 + file.length).order(ByteOrder.LITTLE_ENDIAN);
        f.put((byte) 4).put((byte) 4).putShort((short) (4 + file.length)).put(file); // media, file path
        dp.writeBytes(f.array());
        dp.writeBytes(new byte[] {0x7F, (byte) 0xFF, 4, 0}); // end of the whole path
        byte[] paths = dp.toByteArray();
        byte[] desc = ucs2(description);
        return ByteBuffer.allocate(6 + desc.length + paths.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(attributes).putShort((short) paths.length).put(desc).put(paths).array();
    }

    /** Return the description of a load option's bytes, when they are well-formed enough to have one. */
    static Optional<String> description(byte[] option) {
        for (int i = 6; i + 1 < option.length; i += 2) {
            if (option[i] == 0 && option[i + 1] == 0) {
                return Optional.of(new String(Arrays.copyOfRange(option, 6, i), StandardCharsets.UTF_16LE));
            }
        }
        return Optional.empty();
    }

    /** Return a string as NUL-terminated UCS-2 (little-endian UTF-16 of the BMP). */
    static byte[] ucs2(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_16LE);
        return Arrays.copyOf(b, b.length + 2);
    }
}
