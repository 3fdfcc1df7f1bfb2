package io.handoff.api.spi;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads the purgatory image a platform plugin ships as a resource of its jar, for {@link Platform#purgatoryImage()}.
 *
 * @since 0.1
 */
public final class ShippedPurgatory {
    private ShippedPurgatory() {
    }

    /**
     * Read a plugin's purgatory image.
     *
     * @param plugin a class of the plugin, whose class loader finds the resource
     * @param resource the absolute resource path, such as {@code /purgatory/x86_64.bin}
     * @return the image, or empty when this build of the plugin has none
     * @throws HandoffException {@code UNREADABLE_FILE} when the resource exists but cannot be read
     */
    public static Optional<byte[]> read(Class<?> plugin, String resource) {
        try (InputStream in = plugin.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new HandoffException(FailureKind.UNREADABLE_FILE, resource + ": cannot read the purgatory image of "
                    + plugin.getName() + ": " + e.getMessage(), e);
        }
    }
}
