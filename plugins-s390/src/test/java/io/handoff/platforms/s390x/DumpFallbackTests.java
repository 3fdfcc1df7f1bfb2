package io.handoff.platforms.s390x;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.plan.PurgatoryStep;
import io.handoff.core.system.ProfileMachine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DumpFallbackTests {
    @TempDir
    Path tmp;

    static List<PurgatoryStep> reipl(Path profile) {
        return new S390xDumpReipl().steps(ProfileMachine.at(profile)).orElseThrow();
    }

    /** The block back from a dump-reipl step's operands: length, then the bytes packed big-endian. */
    static ByteBuffer block(PurgatoryStep step) {
        List<Long> ops = step.operands();
        ByteBuffer b = ByteBuffer.allocate((ops.size() - 1) * 8).order(ByteOrder.BIG_ENDIAN);
        ops.subList(1, ops.size()).forEach(b::putLong);
        return ByteBuffer.wrap(b.array(), 0, (int) (long) ops.get(0)).slice().order(ByteOrder.BIG_ENDIAN);
    }

    Path copy(String profile) throws IOException {
        Path src = S390Files.profile(profile);
        Path dst = tmp.resolve(profile);
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.toList()) {
                Path to = dst.resolve(src.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return dst;
    }

    @Nested
    class DumpReipl {
        @Test
        void ccwDeviceBecomesA200ByteBlockThenTheReiplFailedWait() {
            List<PurgatoryStep> steps = reipl(S390Files.profile("s390x-ccw-dump"));
            assertThat(steps).extracting(PurgatoryStep::kind).containsExactly("dump-reipl", "disabled-wait");
            assertThat(steps.get(1).operands()).containsExactly(S390xDisabledWait.REIPL_FAILED);
            ByteBuffer b = block(steps.get(0));
            assertThat(b.limit()).isEqualTo(200);
            assertThat(b.getInt(0x00)).as("len").isEqualTo(200);
            assertThat(b.get(0x07)).as("version").isEqualTo((byte) 0);
            assertThat(b.getInt(0x08)).as("pb0 len").isEqualTo(192);
            assertThat(b.get(0x0C)).as("pbt CCW").isEqualTo((byte) 2);
            assertThat(b.getShort(0x6C) & 7).as("ssid").isZero();
            assertThat(b.getShort(0x6E) & 0xFFFF).as("devno").isEqualTo(0x5219);
            assertThat(steps.get(0).operands().get(1)).as("packed big-endian: 00 00 00 c8 00 00 00 00")
                    .isEqualTo(0x000000C800000000L);
            assertThat(steps.get(0).description()).contains("ccw device 0.0.5219");
        }

        @Test
        void fcpDeviceBecomesA644ByteDumpBlock() {
            ByteBuffer b = block(reipl(S390Files.profile("s390x-fcp-dump")).get(0));
            assertThat(b.limit()).isEqualTo(644);
            assertThat(b.getInt(0x00)).isEqualTo(644);
            assertThat(b.getInt(0x08)).isEqualTo(636);
            assertThat(b.get(0x0C)).as("pbt FCP").isEqualTo((byte) 0);
            assertThat(b.get(0x148)).as("opt dump").isEqualTo((byte) 0x20);
            assertThat(b.getShort(0x14E) & 0xFFFF).isEqualTo(0x1700);
            assertThat(b.getLong(0x154)).isEqualTo(0x500507630300c562L);
            assertThat(b.getLong(0x15C)).isEqualTo(0x4010400000000000L);
            assertThat(b.getInt(0x164)).isZero();
            assertThat(b.getLong(0x174)).isZero();
        }

        @Test
        void noDumpDeviceMeansUnavailable() {
            assertThat(new S390xDumpReipl().steps(ProfileMachine.at(S390Files.profile("s390x-no-dump")))).isEmpty();
        }

        @ParameterizedTest(name = "{1} = \"{2}\"")
        @CsvSource({
            "s390x-ccw-dump, ccw/device, 0.0.52",
            "s390x-ccw-dump, ccw/device, 5219",
            "s390x-fcp-dump, fcp/wwpn, 500507630300c562",
            "s390x-fcp-dump, fcp/lun, 0xnothex",
            "s390x-fcp-dump, fcp/bootprog, -1",
            "s390x-fcp-dump, fcp/device, 0.1.1700",
        })
        void aMalformedDeviceFileIsAMalformedProfileNamingIt(String profile, String file, String value)
                throws IOException {
            Path root = copy(profile);
            Files.writeString(root.resolve("sys/firmware/dump/" + file), value + "\n");
            assertThatThrownBy(() -> reipl(root)).isInstanceOfSatisfying(HandoffException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE);
                assertThat(e.getMessage()).startsWith("/sys/firmware/dump/" + file + ": ").doesNotContain("\n");
            });
        }

        @Test
        void aMissingDeviceFileIsAMalformedProfileNamingIt() throws IOException {
            Path root = copy("s390x-fcp-dump");
            Files.delete(root.resolve("sys/firmware/dump/fcp/lun"));
            assertThatThrownBy(() -> reipl(root)).isInstanceOfSatisfying(HandoffException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE);
                assertThat(e.getMessage()).startsWith("/sys/firmware/dump/fcp/lun: missing");
            });
        }
    }

    @Nested
    class DisabledWait {
        long code(Path root) {
            List<PurgatoryStep> steps = new S390xDisabledWait().steps(ProfileMachine.at(root)).orElseThrow();
            assertThat(steps).extracting(PurgatoryStep::kind).containsExactly("disabled-wait");
            return steps.get(0).operands().get(0);
        }

        @Test
        void saysWhyThereIsNoDump() throws IOException {
            assertThat(code(S390Files.profile("s390x-no-dump"))).isEqualTo(0x48460001L);
            Path eckd = copy("s390x-ccw-dump");
            Files.writeString(eckd.resolve("sys/firmware/dump/dump_type"), "eckd\n");
            assertThat(code(eckd)).isEqualTo(0x48460003L);
            Path bare = tmp.resolve("bare");
            Files.createDirectories(bare.resolve("proc"));
            assertThat(code(bare)).isEqualTo(0x48460002L);
        }

        @Test
        void anUnknownDumpTypeIsAMalformedProfile() throws IOException {
            Path root = copy("s390x-no-dump");
            Files.writeString(root.resolve("sys/firmware/dump/dump_type"), "tape\n");
            assertThatThrownBy(() -> code(root)).isInstanceOfSatisfying(HandoffException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE);
                assertThat(e.getMessage()).startsWith("/sys/firmware/dump/dump_type: line 1: \"tape\"");
            });
        }

        @Test
        void comesAfterTheReipl() {
            assertThat(new S390xDumpReipl().priority()).isLessThan(new S390xDisabledWait().priority());
        }
    }
}
