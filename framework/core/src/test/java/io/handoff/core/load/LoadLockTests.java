package io.handoff.core.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadLockTests {
    @TempDir
    Path dir;

    @Nested
    class Holding {
        @Test
        void theHolderWritesItsPid() throws Exception {
            try (LoadLock lock = LoadLock.acquire(dir.resolve("run"), Duration.ZERO)) {
                assertThat(lock.file()).hasContent(Long.toString(ProcessHandle.current().pid()));
            }
        }

        @Test
        void aReleasedLockIsTakenAgainAtOnce() {
            LoadLock.acquire(dir, Duration.ZERO).close();
            try (LoadLock again = LoadLock.acquire(dir, Duration.ZERO)) {
                assertThat(again.file()).isEqualTo(dir.resolve("load.lock"));
            }
        }
    }

    @Nested
    class Contention {
        @Test
        void aSecondTakerWaitsThenIsBusyNamingTheHolder() {
            try (LoadLock held = LoadLock.acquire(dir, Duration.ZERO)) {
                long started = System.nanoTime();
                HandoffException e = catchThrowableOfType(() -> LoadLock.acquire(dir, Duration.ofMillis(300)),
                        HandoffException.class);

                assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
                assertThat(e.kind()).isEqualTo(FailureKind.BUSY);
                assertThat(e.getMessage()).isEqualTo(dir.resolve("load.lock") + ": another handoff process (pid "
                        + ProcessHandle.current().pid() + ") is loading, unloading or rebooting; waited 300 ms: try"
                        + " again when it has finished");
            }
        }

        @Test
        void aLockDirectoryThatCannotBeCreatedIsAnOutputError() throws Exception {
            Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
            HandoffException e = catchThrowableOfType(() -> LoadLock.acquire(file.resolve("sub"), Duration.ZERO),
                    HandoffException.class);
            assertThat(e.kind()).isEqualTo(FailureKind.OUTPUT);
            assertThat(e.getMessage()).startsWith(file.resolve("sub/load.lock") + ": cannot create the load lock: ")
                    .endsWith("(set handoff.load.lock-dir to a writable directory)");
        }
    }
}
