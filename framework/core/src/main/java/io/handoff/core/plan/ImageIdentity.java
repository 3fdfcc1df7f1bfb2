package io.handoff.core.plan;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.spi.Platform;
import io.handoff.api.support.ElfIdent;
import io.handoff.api.support.FileSlices;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Names what a kernel file is when it is not the chosen platform's: another platform's image
 * ({@link Platform#describeImage}), or an ELF file for another machine.
 *
 * <p>The recognisers live in the plugins that own the formats; this class only asks them, and knows the ELF
 * header, which is no architecture's.
 */
public final class ImageIdentity {
    private ImageIdentity() {
    }

    /**
     * Refuse a kernel file that another loaded platform recognises as its own, or that is an ELF file for another
     * machine, before the chosen platform's parser judges it in its own terms.
     *
     * @param kernel the kernel file
     * @param chosen the platform that is to load it
     * @param loaded every loaded platform, the chosen one included
     * @return {@code UNSUPPORTED_IMAGE}, {@code "<file>: an x86 bzImage, not a kernel image for platform s390x
     *     (s390-image)"}; empty when the chosen platform recognises the file, or nothing else does
     */
    public static Optional<HandoffException> foreign(Path kernel, Platform chosen, List<Platform> loaded) {
        byte[] head;
        try {
            long size = FileSlices.size(kernel);
            head = FileSlices.read(kernel, 0, (int) Math.min(size, Platform.DESCRIBE_IMAGE_BYTES));
        } catch (HandoffException | IllegalArgumentException e) {
            return Optional.empty(); // the platform's own read reports an unreadable kernel
        }
        if (chosen.describeImage(head).isPresent()) {
            return Optional.empty();
        }
        String formats = chosen.imageFormats().stream().map(f -> f.id()).collect(Collectors.joining(", "));
        return describe(head, chosen, loaded).map(what -> new HandoffException(FailureKind.UNSUPPORTED_IMAGE,
                String.format("%s: %s, not a kernel image for platform %s%s", kernel, what, chosen.id(),
                        formats.isEmpty() ? "" : " (" + formats + ")")));
    }

    /** Return what another loaded platform, or the ELF header, says the file is; empty when nothing knows it. */
    static Optional<String> describe(byte[] head, Platform chosen, List<Platform> loaded) {
        for (Platform other : loaded) {
            if (other.id().equals(chosen.id())) {
                continue;
            }
            Optional<String> what = other.describeImage(head);
            if (what.isPresent()) {
                return what;
            }
        }
        Optional<ElfIdent> elf = ElfIdent.of(head);
        if (elf.isPresent() && chosen.elfMachine() != 0 && elf.get().machine() != chosen.elfMachine()) {
            int machine = elf.get().machine();
            return Optional.of("an ELF file for ELF machine " + machine + owner(machine, loaded));
        }
        return Optional.empty();
    }

    private static String owner(int machine, List<Platform> loaded) {
        return loaded.stream().filter(p -> machine != 0 && p.elfMachine() == machine).findFirst()
                .map(p -> " (platform " + p.id() + "'s)").orElse("");
    }
}
