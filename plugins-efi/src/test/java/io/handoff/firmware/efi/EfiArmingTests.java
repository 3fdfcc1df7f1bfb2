package io.handoff.firmware.efi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.RangeType;
import io.handoff.api.plan.PlanRequest;
import io.handoff.api.spi.CrashAssist.ArmTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EfiArmingTests {
    static final byte[] PART_GUID = EspPartition.guidBytes("0fc63daf-8483-4772-8e79-3d69d8477de4");

    @TempDir
    Path root;

    Path efivars;
    Path kernel;
    Path initrd;

    @BeforeEach
    void machine() throws IOException {
        efivars = Files.createDirectories(root.resolve("sys/firmware/efi/efivars"));
        // what every firmware has: a BootOrder (an empty efivars directory is efivarfs not mounted)
        Files.write(efivars.resolve("BootOrder-" + EfiVariables.GLOBAL), new byte[] {7, 0, 0, 0, 1, 0});
        // /boot/efi is vfat on vda1 (254:1), a GPT disk
        Files.createDirectories(root.resolve("proc/self"));
        Files.writeString(root.resolve("proc/self/mountinfo"),
                "22 1 254:2 / / rw,relatime shared:1 - ext4 /dev/vda2 rw\n"
                        + "30 22 254:1 / /boot/efi rw,relatime shared:9 - vfat /dev/vda1 rw,fmask=0077\n");
        Path part = Files.createDirectories(root.resolve("sys/block/vda/vda1"));
        Files.writeString(part.resolve("partition"), "1\n");
        Files.writeString(part.resolve("start"), "2048\n");
        Files.writeString(part.resolve("size"), "131072\n");
        Files.createDirectories(root.resolve("sys/dev/block"));
        Files.createSymbolicLink(root.resolve("sys/dev/block/254:1"), Path.of("../../block/vda/vda1"));
        Files.createDirectories(root.resolve("dev"));
        Files.write(root.resolve("dev/vda"), gptDisk(PART_GUID));
        Files.createDirectories(root.resolve("boot/efi"));
        kernel = Files.write(root.resolve("vmlinuz"), "KERNEL".getBytes(StandardCharsets.US_ASCII));
        initrd = Files.write(root.resolve("initrd.img"), "INITRD".getBytes(StandardCharsets.US_ASCII));
    }

    /** A protective MBR, a GPT header at LBA 1 with its entries from LBA 2, and partition 1's unique GUID. */
    static byte[] gptDisk(byte[] guid) {
        ByteBuffer d = ByteBuffer.allocate(34 * 512).order(ByteOrder.LITTLE_ENDIAN);
        d.put(446 + 4, (byte) 0xEE).putShort(510, (short) 0xAA55);
        d.put(512, "EFI PART".getBytes(StandardCharsets.US_ASCII)).putLong(512 + 72, 2).putInt(512 + 80, 128)
                .putInt(512 + 84, 128);
        d.put(1024 + 16, guid);
        return d.array();
    }

    HandoffRecord record(int boot, String dir) {
        return new HandoffRecord(new MemoryRange(0x6b000000L, 0x7affffffL, RangeType.RAM), 0x7affc000L, 0x1000,
                new byte[32], 0x7affd000L, "0123456789abcdef".getBytes(StandardCharsets.US_ASCII), boot,
                "elfcorehdr=2014192K memmap=exactmap memmap=640K@0K", "\\EFI\\handoff\\" + dir + "\\vmlinuz",
                Optional.of("\\EFI\\handoff\\" + dir + "\\initrd.img"),
                List.of(new MemoryRange(0x100000, 0x6affffffL, RangeType.RAM)));
    }

    ArmTarget target() {
        return new ArmTarget(root, Map.of(), Optional.of(new PlanRequest(PlanRequest.Mode.KDUMP, kernel,
                Optional.of(initrd), "", Map.of(), Optional.of(EfiWarmRebootAssist.ID))));
    }

    byte[] variable(String name, String guid) throws IOException {
        byte[] all = Files.readAllBytes(efivars.resolve(name + "-" + guid));
        assertThat(ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getInt(0)).as("attributes").isEqualTo(7);
        return Arrays.copyOfRange(all, 4, all.length);
    }

    @Nested
    class Staging {
        @Test
        void installsTheFilesAndTheBootEntryButNotTheRecordUntilCommit() throws IOException {
            EfiArming arming = EfiArming.stage(record(0x4846, "30313233"), target(), new byte[] {'M', 'Z', 1});

            Path esp = root.resolve("boot/efi/EFI/handoff");
            assertThat(esp.resolve("handoff-resume.efi")).hasBinaryContent(new byte[] {'M', 'Z', 1});
            assertThat(esp.resolve("30313233/vmlinuz")).hasContent("KERNEL");
            assertThat(esp.resolve("30313233/initrd.img")).hasContent("INITRD");
            byte[] option = variable("Boot4846", EfiVariables.GLOBAL);
            assertThat(option).isEqualTo(new LoadOption(LoadOption.ACTIVE, "handoff crash resume",
                    new EspPartition(1, 2048, 131072, true, PART_GUID, "/dev/vda"),
                    "\\EFI\\handoff\\handoff-resume.efi").encode());
            assertThat(efivars.resolve("HandoffRecord-" + EfiVariables.HANDOFF)).doesNotExist();
            assertThat(arming.describe()).anyMatch(l -> l.contains("HD(1,GPT,0fc63daf-8483-4772-8e79-3d69d8477de4,0x800,0x20000)"))
                    .anyMatch(l -> l.startsWith("Boot4846 \"handoff crash resume\""));

            arming.commit();

            assertThat(HandoffRecord.decode(variable("HandoffRecord", EfiVariables.HANDOFF), "test"))
                    .isEqualTo(record(0x4846, "30313233"));
        }

        @Test
        void commitRemovesTheFilesOfTheEarlierArming() throws IOException {
            EfiArming.stage(record(0x4846, "aaaaaaaa"), target(), new byte[] {1}).commit();
            EfiArming.stage(record(0x4846, "bbbbbbbb"), target(), new byte[] {1}).commit();

            assertThat(root.resolve("boot/efi/EFI/handoff/aaaaaaaa")).doesNotExist();
            assertThat(root.resolve("boot/efi/EFI/handoff/bbbbbbbb/vmlinuz")).exists();
        }

        @Test
        void rollbackOfAFirstArmingLeavesNothing() {
            EfiArming.stage(record(0x4846, "30313233"), target(), new byte[] {1}).rollback();

            assertThat(root.resolve("boot/efi/EFI/handoff")).doesNotExist();
            assertThat(efivars.resolve("Boot4846-" + EfiVariables.GLOBAL)).doesNotExist();
            assertThat(efivars.resolve("HandoffRecord-" + EfiVariables.HANDOFF)).doesNotExist();
        }

        @Test
        void aBootEntryThatCannotBeWrittenLeavesNoFilesBehind() throws IOException {
            // the variable's file cannot be written (here: a directory; on a machine: a full variable store)
            Files.createDirectories(efivars.resolve("Boot4846-" + EfiVariables.GLOBAL));

            assertThatThrownBy(() -> EfiArming.stage(record(0x4846, "30313233"), target(), new byte[] {1}))
                    .isInstanceOf(HandoffException.class).hasMessageContaining("Boot4846-" + EfiVariables.GLOBAL);
            assertThat(root.resolve("boot/efi/EFI/handoff")).doesNotExist();
        }

        @Test
        void anUnmountedEfivarfsIsRefusedWithHowToMountIt() throws IOException {
            Files.delete(efivars.resolve("BootOrder-" + EfiVariables.GLOBAL));

            assertThatThrownBy(() -> EfiArming.stage(record(0x4846, "30313233"), target(), new byte[] {1}))
                    .isInstanceOf(HandoffException.class).hasMessageEndingWith("sys/firmware/efi/efivars: empty: "
                            + "efivarfs is not mounted (mount -t efivarfs efivarfs /sys/firmware/efi/efivars)");
            assertThat(EfiArming.status(target())).singleElement().asString().startsWith("unknown: ")
                    .endsWith("efivarfs is not mounted (mount -t efivarfs efivarfs /sys/firmware/efi/efivars)");
            assertThat(root.resolve("boot/efi/EFI")).doesNotExist();
        }

        @Test
        void rollbackKeepsThePreviousArming() throws IOException {
            EfiArming.stage(record(0x4846, "aaaaaaaa"), target(), new byte[] {1}).commit();
            byte[] before = variable("HandoffRecord", EfiVariables.HANDOFF);

            EfiArming.stage(record(0x4846, "bbbbbbbb"), target(), new byte[] {1}).rollback();

            assertThat(variable("HandoffRecord", EfiVariables.HANDOFF)).isEqualTo(before);
            assertThat(root.resolve("boot/efi/EFI/handoff/aaaaaaaa/vmlinuz")).exists();
            assertThat(root.resolve("boot/efi/EFI/handoff/bbbbbbbb")).doesNotExist();
            assertThat(efivars.resolve("Boot4846-" + EfiVariables.GLOBAL)).exists();
        }

        @Test
        void aBootNumberTakenByAnotherEntryIsRefused() throws IOException {
            Files.write(efivars.resolve("Boot4846-" + EfiVariables.GLOBAL), ByteBuffer.allocate(4 + 30)
                    .order(ByteOrder.LITTLE_ENDIAN).putInt(7).putInt(1).putShort((short) 0)
                    .put(LoadOption.ucs2("debian")).array());

            assertThatThrownBy(() -> EfiArming.stage(record(0x4846, "30313233"), target(), new byte[] {1}))
                    .isInstanceOf(HandoffException.class).hasMessage("Boot4846 has become another boot entry since the "
                            + "plan was made; plan and load again");
            assertThat(root.resolve("boot/efi/EFI/handoff/30313233")).doesNotExist();
        }

        @Test
        void aSetMemoryOverwriteRequestIsCleared() throws IOException {
            Files.write(efivars.resolve("MemoryOverwriteRequestControl-" + EfiVariables.MOR), new byte[] {7, 0, 0, 0, 1});

            EfiArming arming = EfiArming.stage(record(0x4846, "30313233"), target(), new byte[] {1});

            assertThat(variable("MemoryOverwriteRequestControl", EfiVariables.MOR)).containsExactly(0);
            assertThat(arming.describe().get(0)).isEqualTo("MOR: was set (1), cleared so the firmware keeps memory at "
                    + "the warm reboot");
        }

        @Test
        void aFileSystemOtherThanFatIsNoEfiSystemPartition() throws IOException {
            Files.writeString(root.resolve("proc/self/mountinfo"),
                    "30 22 254:1 / /boot/efi rw,relatime shared:9 - ext4 /dev/vda1 rw\n");

            assertThatThrownBy(() -> EfiArming.stage(record(0x4846, "30313233"), target(), new byte[] {1}))
                    .isInstanceOf(HandoffException.class).hasMessage("/boot/efi: a ext4 file system; the EFI system "
                            + "partition the firmware boots from is FAT (vfat)")
                    .extracting(e -> ((HandoffException) e).kind()).isEqualTo(FailureKind.NOT_AVAILABLE);
        }
    }

    @Nested
    class Disarming {
        @Test
        void removesTheRecordTheEntryBootNextAndTheFiles() throws IOException {
            EfiArming.stage(record(0x4846, "30313233"), target(), new byte[] {1}).commit();
            Files.write(efivars.resolve("BootNext-" + EfiVariables.GLOBAL), new byte[] {7, 0, 0, 0, 0x46, 0x48});

            List<String> lines = EfiArming.disarm(target());

            assertThat(efivars.resolve("HandoffRecord-" + EfiVariables.HANDOFF)).doesNotExist();
            assertThat(efivars.resolve("Boot4846-" + EfiVariables.GLOBAL)).doesNotExist();
            assertThat(efivars.resolve("BootNext-" + EfiVariables.GLOBAL)).doesNotExist();
            assertThat(root.resolve("boot/efi/EFI/handoff")).doesNotExist();
            assertThat(lines).containsExactly("disarmed efi-warm-reboot (nonce 30313233343536373839616263646566)",
                    "removed HandoffRecord-" + EfiVariables.HANDOFF, "removed BootNext (it named Boot4846)",
                    "removed Boot4846 \"handoff crash resume\"", "removed /boot/efi/EFI/handoff");
        }

        @Test
        void onAMachineWithoutEfiThereIsNothingToSay() throws IOException {
            Files.delete(efivars.resolve("BootOrder-" + EfiVariables.GLOBAL));
            Files.delete(efivars);

            assertThat(EfiArming.disarm(target())).isEmpty();
        }
    }

    @Nested
    class Status {
        @Test
        void showsTheArmingAndWhatTheResumeApplicationLeft() throws IOException {
            EfiArming.stage(record(0x4846, "30313233"), target(), new byte[] {1}).commit();
            Files.write(efivars.resolve("HandoffResumeStatus-" + EfiVariables.HANDOFF),
                    ByteBuffer.allocate(4 + 11).order(ByteOrder.LITTLE_ENDIAN).putInt(7)
                            .put("refused: no".getBytes(StandardCharsets.US_ASCII)).array());
            Files.write(efivars.resolve("HandoffFirmwareUsed-" + EfiVariables.HANDOFF), ByteBuffer.allocate(4 + 8 + 24)
                    .order(ByteOrder.LITTLE_ENDIAN).putInt(7).putInt(1).putInt(0).putLong(0x900000).putLong(0x1500000)
                    .putInt(4).putInt(0).array());

            assertThat(EfiArming.status(target())).containsExactly(
                    "armed: Boot4846, kernel \\EFI\\handoff\\30313233\\vmlinuz, initrd \\EFI\\handoff\\30313233\\initrd.img,"
                            + " crash region 0x6b000000-0x7affffff RAM, ELF core header 0x7affc000, marker 0x7affd000",
                    "last resume: refused: no",
                    "firmware used 1 ranges (12288 KiB) of the dumped memory at the last resume: 0x900000-0x14fffff (type 4)");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 5, 7})
        void aMalformedFirmwareUsedVariableIsSaidToBe(int length) {
            byte[] used = new byte[length];
            if (length >= 4) {
                used[0] = 3; // three entries claimed, none there
            }
            assertThat(EfiArming.firmwareUsed(used)).startsWith("firmware used: malformed HandoffFirmwareUsed");
        }
    }
}
