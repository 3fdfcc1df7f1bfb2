package io.handoff.core.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingDirectoryTests {
    @TempDir
    Path parent;

    private Stream<String> names() throws IOException {
        return Files.list(parent).map(p -> p.getFileName().toString()).sorted().toList().stream();
    }

    @Nested
    class Committing {
        @Test
        void aCommitMovesTheResultIntoPlace() throws IOException {
            Path target = parent.resolve("out");
            try (StagingDirectory staging = StagingDirectory.beside(target)) {
                Files.writeString(staging.path().resolve("a"), "new");
                assertThat(staging.path().getFileName().toString())
                        .startsWith(".out.tmp-" + ProcessHandle.current().pid() + "-");
                staging.commit();
            }
            assertThat(target.resolve("a")).hasContent("new");
            assertThat(names()).containsExactly("out");
        }

        @Test
        void anEarlierResultIsReplacedWhole() throws IOException {
            Path target = Files.createDirectories(parent.resolve("out"));
            Files.writeString(target.resolve("old"), "old");
            try (StagingDirectory staging = StagingDirectory.beside(target)) {
                Files.writeString(staging.path().resolve("a"), "new");
                staging.commit();
            }
            assertThat(target.resolve("old")).doesNotExist();
            assertThat(target.resolve("a")).hasContent("new");
            assertThat(names()).containsExactly("out");
        }

        @Test
        void closingWithoutCommitLeavesNothing() throws IOException {
            Path target = parent.resolve("out");
            try (StagingDirectory staging = StagingDirectory.beside(target)) {
                Files.createDirectories(staging.path().resolve("segments"));
                Files.writeString(staging.path().resolve("segments/00-kernel.bin"), "half");
            }
            assertThat(names()).isEmpty();
        }
    }

    @Nested
    class Sweeping {
        @Test
        void stagingOfDeadProcessesAndOldNamingIsRemovedOthersAreKept() throws IOException {
            Files.createDirectories(parent.resolve(".out.tmp-999999999-17/segments"));
            Path older = Files.createDirectories(parent.resolve(".out.tmp123456"));
            Files.setLastModifiedTime(older, FileTime.from(Instant.now().minusSeconds(7200)));
            Files.createDirectories(parent.resolve(".out.tmp654321")); // recent: perhaps an older handoff still runs
            Path alive = Files.createDirectories(parent.resolve(".out.tmp-1-5")); // pid 1 is alive
            Files.createDirectories(parent.resolve(".other.tmp-999999999-1"));

            StagingDirectory.sweep(parent.resolve("out"));

            assertThat(names()).containsExactly(".other.tmp-999999999-1", alive.getFileName().toString(),
                    ".out.tmp654321");
        }
    }
}
