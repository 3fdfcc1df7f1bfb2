package io.handoff.core.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.EfiFirmware;
import io.handoff.api.machine.EfiMemoryDescriptor;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EfiFirmwareReaderTests {
    @TempDir
    Path root;

    void uefi() {
        ProfileFiles.write(root, "/sys/firmware/efi/systab",
                "ACPI20=0x7fb7e014\nACPI=0x7fb7e000\nSMBIOS3=0x7f94b000\nSMBIOS=0x7f94d000\n");
        ProfileFiles.write(root, "/sys/firmware/efi/fw_vendor", "0x7fbe8e98\n");
        ProfileFiles.write(root, "/sys/firmware/efi/runtime", "0x7fbecb98\n");
        ProfileFiles.write(root, "/sys/firmware/efi/config_table", "0x7fbe7018\n");
        ProfileFiles.write(root, "/sys/firmware/efi/fw_platform_size", "64\n");
    }

    void region(String n, int type, long phys) {
        String dir = "/sys/firmware/efi/runtime-map/" + n + "/";
        ProfileFiles.write(root, dir + "type", String.format("0x%x\n", type));
        ProfileFiles.write(root, dir + "phys_addr", String.format("0x%x\n", phys));
        ProfileFiles.write(root, dir + "virt_addr", String.format("0x%x\n", 0xfffffffeff000000L + phys));
        ProfileFiles.write(root, dir + "num_pages", "0x20\n");
        ProfileFiles.write(root, dir + "attribute", "0x800000000000000f\n");
    }

    EfiFirmware read() {
        return EfiFirmwareReader.read(new DirectorySystemView(root)).orElseThrow();
    }

    @Nested
    class Machines {
        @Test
        void aMachineWithoutSysFirmwareEfiHasNoUefi() {
            ProfileFiles.write(root, "/proc/cmdline", "quiet\n");
            assertThat(EfiFirmwareReader.read(new DirectorySystemView(root))).isEqualTo(Optional.empty());
            assertThat(ProfileMachine.at(root).efiFirmware()).isEmpty();
        }

        @Test
        void readsTheFourFilesAndTheMapAndDescribesThemForPlans() {
            uefi();
            region("0", 5, 0x7fb80000L);
            region("1", 11, 0xffc00000L);
            EfiFirmware efi = ProfileMachine.at(root).efiFirmware().orElseThrow();
            assertThat(efi.fwVendor()).isEqualTo(0x7fbe8e98L);
            assertThat(efi.runtime()).isEqualTo(0x7fbecb98L);
            assertThat(efi.configTable()).isEqualTo(0x7fbe7018L);
            assertThat(efi.platformSize()).isEqualTo(64);
            assertThat(efi.problems()).isEmpty();
            assertThat(efi.runtimeMap()).containsExactly(
                    new EfiMemoryDescriptor("0", 5, 0x7fb80000L, 0xfffffffeff000000L + 0x7fb80000L, 0x20,
                            0x800000000000000fL),
                    new EfiMemoryDescriptor("1", 11, 0xffc00000L, 0xfffffffeff000000L + 0xffc00000L, 0x20,
                            0x800000000000000fL));
            assertThat(efi.describe()).isEqualTo("UEFI, 64-bit, 2 runtime regions");
        }
    }

    @Nested
    class KexecToolsValueRules {
        @BeforeEach
        void machine() {
            uefi();
            region("0", 5, 0x7fb80000L);
        }

        @Test
        void smbiosIsTheSmbiosLineNotSmbios3() {
            assertThat(read().smbios()).isEqualTo(0x7f94d000L);
        }

        @Test
        void aSystabWithOnlySmbios3GivesNoSmbiosAndNoProblem() {
            ProfileFiles.write(root, "/sys/firmware/efi/systab", "ACPI20=0x7fb7e014\nSMBIOS3=0x7f94b000\n");
            assertThat(read().smbios()).isZero();
            assertThat(read().problems()).isEmpty();
        }

        @Test
        void theFirstLineWithThePatternWinsAndTheNumberIsReadAsStrtoullReadsIt() {
            ProfileFiles.write(root, "/sys/firmware/efi/fw_vendor", "vendor at 0x  12abZ9\n0x99\n");
            // strstr finds "0x" in the first line; strtoull skips blanks and stops at the first non-digit
            assertThat(read().fwVendor()).isEqualTo(0x12abL);
        }

        @Test
        void aFileWithoutThePatternGivesZeroWithoutAProblem() {
            ProfileFiles.write(root, "/sys/firmware/efi/config_table", "none\n");
            assertThat(read().configTable()).isZero();
            assertThat(read().problems()).isEmpty();
        }

        @Test
        void aMissingFileIsAProblemNamingIt() {
            ProfileFiles.write(root, "/sys/firmware/efi/fw_vendor", "");
            root.resolve("sys/firmware/efi/fw_vendor").toFile().delete();
            assertThat(read().problems()).containsExactly("/sys/firmware/efi/fw_vendor missing");
        }

        @Test
        void aMissingSystabIsAProblem() {
            root.resolve("sys/firmware/efi/systab").toFile().delete();
            assertThat(read().problems()).containsExactly("/sys/firmware/efi/systab missing");
        }

        @Test
        void aValueTooLargeForSixtyFourBitsIsAProblem() {
            ProfileFiles.write(root, "/sys/firmware/efi/runtime", "0x1ffffffffffffffff\n");
            assertThat(read().problems()).singleElement().asString()
                    .startsWith("/sys/firmware/efi/runtime:").contains("too large");
        }

        @Test
        void strtoullReadsBlanksSignAndPrefix() {
            assertThat(EfiFirmwareReader.strtoull(" \t0x1f", false)).contains(0x1fL);
            assertThat(EfiFirmwareReader.strtoull("-1", false)).contains(-1L);
            assertThat(EfiFirmwareReader.strtoull("0xg", false)).contains(0L);
            assertThat(EfiFirmwareReader.strtoull("zz", false)).contains(0L);
            assertThat(EfiFirmwareReader.strtoull("zz", true)).isEmpty();
            assertThat(EfiFirmwareReader.strtoull("ffffffffffffffff", false)).contains(-1L);
            assertThat(EfiFirmwareReader.strtoull("10000000000000000", false)).contains(-1L);
        }

        @Test
        void linesAreCutAsFgetsCutsThem() {
            String longLine = "x".repeat(1030) + "\nSMBIOS=0x1\n";
            assertThat(EfiFirmwareReader.fgetsLines(longLine)).extracting(String::length)
                    .containsExactly(1023, 8, 11);
        }
    }

    @Nested
    class RuntimeMap {
        @BeforeEach
        void machine() {
            uefi();
        }

        @Test
        void followsTheOrderTheCaptureRecorded() {
            for (String n : new String[] {"0", "1", "2", "10"}) {
                region(n, 5, 0x1000L * Integer.parseInt(n));
            }
            ProfileFiles.write(root, "/sys/firmware/efi/runtime-map/ORDER", "2\n10\n0\n1\n");
            assertThat(read().runtimeMap()).extracting(EfiMemoryDescriptor::index).containsExactly("2", "10", "0", "1");
        }

        @Test
        void withoutAnOrderFileTakesNumericOrder() {
            for (String n : new String[] {"10", "2", "0", "1"}) {
                region(n, 5, 0x1000L * Integer.parseInt(n));
            }
            assertThat(read().runtimeMap()).extracting(EfiMemoryDescriptor::index).containsExactly("0", "1", "2", "10");
        }

        @Test
        void anEmptyOrMissingMapIsToldApart() {
            assertThat(read().runtimeMapPresent()).isFalse();
            assertThat(read().describe()).isEqualTo("UEFI, 64-bit, no runtime map");
            root.resolve("sys/firmware/efi/runtime-map").toFile().mkdirs();
            assertThat(read().runtimeMapPresent()).isTrue();
            assertThat(read().runtimeMap()).isEmpty();
            assertThat(read().describe()).isEqualTo("UEFI, 64-bit, 0 runtime regions");
        }

        @Test
        void typeIsThirtyTwoBitsAndTheOthersSixtyFour() {
            region("0", 5, 0x7fb80000L);
            ProfileFiles.write(root, "/sys/firmware/efi/runtime-map/0/type", "0x100000005\n");
            assertThat(read().runtimeMap().get(0).type()).isEqualTo(5);
        }

        @Test
        void anOrderNamingAMissingEntryIsAnErrorNamingTheFile() {
            region("0", 5, 0x7fb80000L);
            ProfileFiles.write(root, "/sys/firmware/efi/runtime-map/ORDER", "0\n7\n");
            assertThatThrownBy(EfiFirmwareReaderTests.this::read).isInstanceOfSatisfying(HandoffException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE);
                assertThat(e.getMessage()).startsWith("/sys/firmware/efi/runtime-map/ORDER:").doesNotContain("\n");
            });
        }

        @Test
        void aFileWithoutTheHexPrefixIsAnErrorNamingTheFile() {
            region("0", 5, 0x7fb80000L);
            ProfileFiles.write(root, "/sys/firmware/efi/runtime-map/0/num_pages", "32\n");
            assertThatThrownBy(EfiFirmwareReaderTests.this::read).isInstanceOfSatisfying(HandoffException.class, e -> {
                assertThat(e.kind()).isEqualTo(FailureKind.MALFORMED_PROFILE);
                assertThat(e.getMessage()).startsWith("/sys/firmware/efi/runtime-map/0/num_pages:")
                        .doesNotContain("\n");
            });
        }

        @Test
        void aMissingEntryFileIsAnErrorNamingTheFile() {
            region("0", 5, 0x7fb80000L);
            root.resolve("sys/firmware/efi/runtime-map/0/attribute").toFile().delete();
            assertThatThrownBy(EfiFirmwareReaderTests.this::read).hasMessageStartingWith(
                    "/sys/firmware/efi/runtime-map/0/attribute:");
        }
    }
}
