package io.handoff.it.kexec;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * Mismatches between handoff and kexec-tools that are found, reported and not fixed yet: a strict "expected
 * failure" list.
 *
 * <p>A listed check still runs: while it fails, the test is aborted (reported as skipped, with the mismatch id and
 * the first line of the failure); once it passes, the test fails and asks for the entry to be removed here and in
 * {@code DIFFERENCES.md}, so a fix can never hide behind a stale entry. Tolerated, by-design differences are not
 * listed here: the tests assert them directly.
 */
final class KnownMismatches {
    /**
     * One open mismatch.
     *
     * @param id short id, also the heading in DIFFERENCES.md
     * @param checks the checks it breaks
     * @param variants the profiles it shows on
     * @param modes the memory-map modes it shows on
     * @param summary what differs
     */
    record Open(String id, Set<String> checks, Set<ProfileVariant> variants, Set<MemmapMode> modes, String summary) {
    }

    // M1 (ELF core header buffer sized for every crash memory range) and M2 (machine map without RAM below
    // 0x400 in cmdline mode) were fixed in the x86_64 plugin; nothing is open.
    static final List<Open> OPEN = List.of();

    private KnownMismatches() {
    }

    /** A check's body. */
    interface Body {
        void run() throws Exception;
    }

    /** Run a check, as an expected failure when an open mismatch covers it. */
    static void check(String check, ProfileVariant variant, MemmapMode mode, Body body) throws Exception {
        List<Open> open = OPEN.stream()
                .filter(o -> o.checks().contains(check) && o.variants().contains(variant) && o.modes().contains(mode))
                .toList();
        if (open.isEmpty()) {
            body.run();
            return;
        }
        String ids = open.stream().map(Open::id).collect(Collectors.joining(", "));
        try {
            body.run();
        } catch (AssertionError e) {
            String first = String.valueOf(e.getMessage()).strip().lines().limit(3).collect(Collectors.joining(" "));
            Assumptions.abort("known mismatch " + ids + " (see DIFFERENCES.md): " + first);
        }
        fail("known mismatch " + ids + " no longer reproduces for " + check + " on " + variant + "/" + mode
                + ": remove it from KnownMismatches and DIFFERENCES.md");
    }
}
