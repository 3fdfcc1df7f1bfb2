package io.handoff.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.handoff.it.kexec.Prerequisites;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The platform SDK's rule: framework main code (Java and C) names no architecture, apart from the one list of
 * reserved platform ids. A platform is a plugin; what a framework line would say about x86 or s390 belongs in it.
 *
 * <p>Comments may name architectures (they explain the kernel's rules); code, strings and identifiers may not.
 * Firmware (EFI) is not an architecture. The lines still waiting to move out are listed in {@link #DEBT} by file
 * and count (none today): the test fails when a file gains a line, and when one is cleaned up without shrinking
 * the list, so it only ever shrinks.
 */
class FrameworkNamesNoArchitectureTests {
    /** Architecture names and their register, boot-protocol and firmware-interface words. */
    static final Pattern ARCHITECTURE = Pattern.compile(
            "x86|amd64|s390|ia64|itanium|aarch64|arm64|ppc64|riscv|diag ?308|e820|zero ?page|lowcore|bzimage|"
                    // register names also inside identifiers (hal_load_psw, rip_offset), not inside words (strip)
                    + "(?<![a-z0-9])(psw|rip|rsi)(?![a-z0-9])", Pattern.CASE_INSENSITIVE);

    /** The one allowed place: the reserved platform ids (PlatformRegistry.RESERVED_IDS). */
    static final Map<String, Integer> RESERVED = Map.of(
            "framework/core/src/main/java/io/handoff/core/plugin/PlatformRegistry.java", 1);

    /**
     * Lines not moved out yet, by file and count. Empty: the last one (last words reading x86_64's NT_PRSTATUS) went
     * when platforms began to declare their layout ({@code Platform.prstatusLayout()}). Kept so a temporary
     * exception is listed, counted and ratcheted rather than hidden.
     */
    static final Map<String, Integer> DEBT = Map.of();

    @Test
    void frameworkMainCodeNamesNoArchitectureBeyondTheReservedIdsAndTheListedDebt() throws IOException {
        Path repo = Prerequisites.repository();
        Map<String, List<String>> found = new TreeMap<>();
        try (Stream<Path> files = Files.walk(repo.resolve("framework"))) {
            files.filter(Files::isRegularFile)
                    .filter(p -> repo.relativize(p).toString().matches("framework/[^/]+/src/main/.*\\.(java|c|h|S)"))
                    .forEach(p -> {
                        List<String> lines = architectureLines(read(p));
                        if (!lines.isEmpty()) {
                            found.put(repo.relativize(p).toString(), lines);
                        }
                    });
        }
        List<String> problems = new ArrayList<>();
        found.forEach((file, lines) -> {
            int allowed = RESERVED.getOrDefault(file, 0) + DEBT.getOrDefault(file, 0);
            if (lines.size() > allowed) {
                problems.add(file + " names an architecture in " + lines.size() + " lines (allowed " + allowed + "): "
                        + lines);
            }
        });
        Map<String, Integer> expected = new TreeMap<>(DEBT);
        RESERVED.forEach((f, n) -> expected.merge(f, n, Integer::sum));
        expected.forEach((file, n) -> {
            int now = found.getOrDefault(file, List.of()).size();
            if (now < n) {
                problems.add(file + ": " + now + " lines left of the " + n + " listed; shrink the list");
            }
        });
        assertThat(problems).as("framework main code must leave architectures to the plugins").isEmpty();
        assertThat(RESERVED.values().stream().mapToInt(Integer::intValue).sum()).isLessThanOrEqualTo(5);
    }

    @Nested
    class TheScanner {
        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "a step kind in a string | kinds.byId(\"jump-x86_64\") | 1",
            "a register name | long rip = regs[16]; | 1",
            "a C identifier | hal_load_psw(mask, addr); | 1",
            "a line comment | int a = 1; // x86 wants this | 0",
            "a block comment on its line | /* s390: lowcore */ int b = 2; | 0",
            "firmware is not an architecture | efi_runtime_map(); | 0",
            "a word that merely contains one | String ripple = \"trip\"; | 0",
        })
        void flagsCodeAndLeavesComments(String what, String line, int flagged) {
            assertThat(architectureLines(line)).as(what).hasSize(flagged);
        }

        @Test
        void javadocAndMultiLineCommentsAreComments() {
            String source = String.join("\n", "/**", " * Enter an x86_64 kernel: rip, rsi.", " */",
                    "void enter() {", "    /* s390", "       psw */", "    go(\"s390x\");", "}");
            assertThat(architectureLines(source)).containsExactly("    go(\"s390x\");");
        }
    }

    /** Return the lines of source whose code (comments left out) names an architecture. */
    static List<String> architectureLines(String source) {
        List<String> out = new ArrayList<>();
        boolean inComment = false;
        for (String line : source.split("\n", -1)) {
            StringBuilder code = new StringBuilder();
            int i = 0;
            while (i < line.length()) {
                if (inComment) {
                    int end = line.indexOf("*/", i);
                    if (end < 0) {
                        i = line.length();
                    } else {
                        inComment = false;
                        i = end + 2;
                    }
                    continue;
                }
                int block = line.indexOf("/*", i);
                int rest = line.indexOf("//", i);
                if (rest >= 0 && (block < 0 || rest < block)) {
                    code.append(line, i, rest);
                    break;
                }
                if (block >= 0) {
                    code.append(line, i, block);
                    inComment = true;
                    i = block + 2;
                    continue;
                }
                code.append(line.substring(i));
                break;
            }
            if (ARCHITECTURE.matcher(code).find()) {
                out.add(line);
            }
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
