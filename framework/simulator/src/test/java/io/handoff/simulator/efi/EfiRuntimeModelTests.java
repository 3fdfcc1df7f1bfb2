package io.handoff.simulator.efi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.api.arch.SimulatedEfiRuntime;
import io.handoff.api.machine.EfiFirmware;
import io.handoff.api.machine.EfiMemoryDescriptor;
import io.handoff.api.plan.EfiRuntimeCall;
import io.handoff.api.plan.EfiRuntimeService;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The reference machine's UEFI runtime services: the table, variables, ResetSystem and the faults. */
class EfiRuntimeModelTests {
    static final long TABLE = 0x3fbecb98L;
    static final EfiMemoryDescriptor CODE = new EfiMemoryDescriptor("2", 5, 0x3fbed000L, 0xfffffffeff1ec000L, 16,
            0x800000000000000fL);
    static final EfiFirmware FIRMWARE = new EfiFirmware(64, 0, TABLE, 0, 0, true, List.of(
            new EfiMemoryDescriptor("0", 11, 0xffc00000L, 0xfffffffeffc00000L, 0x400, 0x8000000000000001L), CODE),
            List.of());
    static final byte[] GLOBAL = HexFormat.of().parseHex("61dfe48bca93d211aa0d00e098032b8c");

    static EfiRuntimeModel model(EfiFault... faults) {
        return new EfiRuntimeModel(FIRMWARE, List.of(faults));
    }

    static EfiRuntimeCall.Bytes name(String n) {
        return new EfiRuntimeCall.Bytes((n + "\0").getBytes(StandardCharsets.UTF_16LE));
    }

    static EfiRuntimeCall.Value v(long value) {
        return new EfiRuntimeCall.Value(value);
    }

    /** The physical address of a service's code: the model's table gives its virtual address in CODE. */
    static long physical(EfiRuntimeModel m, EfiRuntimeService s) {
        return m.pointer(s) - CODE.virtualAddress() + CODE.physicalAddress();
    }

    static SimulatedEfiRuntime.Result set(EfiRuntimeModel m, String n, long attributes, byte... data) {
        return m.call(physical(m, EfiRuntimeService.SET_VARIABLE), List.of(name(n), new EfiRuntimeCall.Bytes(GLOBAL),
                v(attributes), v(data.length), new EfiRuntimeCall.Bytes(data)));
    }

    static SimulatedEfiRuntime.Result get(EfiRuntimeModel m, String n, long room) {
        byte[] size = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(room).array();
        return m.call(physical(m, EfiRuntimeService.GET_VARIABLE), List.of(name(n), new EfiRuntimeCall.Bytes(GLOBAL),
                v(0), new EfiRuntimeCall.Bytes(size), new EfiRuntimeCall.Bytes(new byte[16])));
    }

    @Nested
    class Table {
        @Test
        void headerAndOnePointerPerServiceInTheRuntimeCodeRegion() {
            ByteBuffer t = ByteBuffer.wrap(model().table()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(t.capacity()).isEqualTo(0x88);
            assertThat(t.getLong(0)).isEqualTo(0x56524553544e5552L);
            assertThat(t.getInt(12)).isEqualTo(0x88);
            // service k at page k mod 16, byte 0x100 + 0x10 k: SetVariable is k = 8, ResetSystem k = 10
            assertThat(t.getLong(0x58)).isEqualTo(0xfffffffeff1ec000L + 8 * 4096 + 0x180);
            assertThat(t.getLong(0x68)).isEqualTo(0xfffffffeff1ec000L + 10 * 4096 + 0x1A0);
            assertThat(t.getLong(0x18)).isEqualTo(0xfffffffeff1ec000L + 0x100);
        }

        @Test
        void withoutARuntimeCodeRegionEveryPointerIsZero() {
            EfiRuntimeModel m = new EfiRuntimeModel(new EfiFirmware(64, 0, TABLE, 0, 0, true, List.of(), List.of()),
                    List.of());
            ByteBuffer t = ByteBuffer.wrap(m.table()).order(ByteOrder.LITTLE_ENDIAN);
            for (EfiRuntimeService s : EfiRuntimeService.values()) {
                assertThat(t.getLong(s.offset())).isZero();
            }
            assertThat(m.installed().get(0)).contains("no runtime-code region: every service pointer is 0");
        }
    }

    @Nested
    class Variables {
        @Test
        void setThenGetThenDelete() {
            EfiRuntimeModel m = model();
            assertThat(set(m, "BootNext", 7, (byte) 0x11, (byte) 0).status()).isZero();
            assertThat(m.report().bootNext()).contains(0x11);
            assertThat(get(m, "BootNext", 2).status()).isZero();
            assertThat(get(m, "BootNext", 1).status()).isEqualTo(EfiRuntimeModel.BUFFER_TOO_SMALL);
            assertThat(get(m, "BootOrder", 16).status()).isEqualTo(EfiRuntimeModel.NOT_FOUND);
            assertThat(set(m, "BootNext", 7).status()).as("size 0 deletes").isZero();
            assertThat(m.report().variables()).isEmpty();
            assertThat(set(m, "BootNext", 7).status()).isEqualTo(EfiRuntimeModel.NOT_FOUND);
        }

        @Test
        void aDataSizeLargerThanTheDataIsInvalid() {
            EfiRuntimeModel m = model();
            SimulatedEfiRuntime.Result r = m.call(physical(m, EfiRuntimeService.SET_VARIABLE), List.of(name("X"),
                    new EfiRuntimeCall.Bytes(GLOBAL), v(7), v(9), new EfiRuntimeCall.Bytes(new byte[8])));
            assertThat(r.status()).isEqualTo(EfiRuntimeModel.INVALID_PARAMETER);
            assertThat(m.report().variables()).isEmpty();
        }

        @Test
        void theReportKeepsNameGuidAttributesAndBytes() {
            EfiRuntimeModel m = model();
            set(m, "Boot0011", 7, (byte) 1, (byte) 0, (byte) 0, (byte) 0);
            assertThat(m.report().variables()).containsExactly(new EfiVariable("Boot0011",
                    "8be4df61-93ca-11d2-aa0d-00e098032b8c", 7, new byte[] {1, 0, 0, 0}));
            assertThat(m.report().calls()).containsExactly("EFI SetVariable(Boot0011-8be4df61-93ca-11d2-aa0d-"
                    + "00e098032b8c: attributes 0x7, 4 bytes 01 00 00 00) -> 0x0 (EFI_SUCCESS)");
        }
    }

    @Nested
    class Reset {
        @Test
        void shutdownPowersOffAndEndsInTheFirmware() {
            EfiRuntimeModel m = model();
            SimulatedEfiRuntime.Result r = m.call(physical(m, EfiRuntimeService.RESET_SYSTEM), List.of(v(2), v(0),
                    v(0), v(0)));
            assertThat(r.ending()).isEqualTo(SimulatedEfiRuntime.Ending.RESET);
            assertThat(r.description()).isEqualTo("EFI ResetSystem(EfiResetShutdown): the firmware powers the "
                    + "machine off");
            assertThat(m.ending()).contains(r);
        }

        @Test
        void theReturnFaultReturnsSuccessInstead() {
            EfiRuntimeModel m = model(EfiFault.parse("reset-system:return"));
            SimulatedEfiRuntime.Result r = m.call(physical(m, EfiRuntimeService.RESET_SYSTEM), List.of(v(1), v(0),
                    v(0), v(0)));
            assertThat(r.ending()).isEqualTo(SimulatedEfiRuntime.Ending.RETURNED);
            assertThat(r.status()).isZero();
            assertThat(m.ending()).isEmpty();
        }
    }

    @Nested
    class Others {
        @Test
        void unimplementedServicesAndStrayAddressesAreUnsupported() {
            EfiRuntimeModel m = model();
            assertThat(m.call(physical(m, EfiRuntimeService.GET_TIME), List.of(v(0), v(0))).status())
                    .isEqualTo(EfiRuntimeModel.UNSUPPORTED);
            assertThat(m.call(CODE.physicalAddress() + 0x104, List.of()).status())
                    .isEqualTo(EfiRuntimeModel.UNSUPPORTED);
        }

        @Test
        void failAndHangFaults() {
            EfiRuntimeModel m = model(EfiFault.parse("set-variable:fail"), EfiFault.parse("GetVariable:hang"));
            assertThat(set(m, "BootNext", 7, (byte) 0x11, (byte) 0).status()).isEqualTo(EfiRuntimeModel.DEVICE_ERROR);
            assertThat(m.report().variables()).isEmpty();
            assertThat(get(m, "BootNext", 2).ending()).isEqualTo(SimulatedEfiRuntime.Ending.HUNG);
            assertThat(m.installed()).contains("fault: EFI SetVariable does nothing and returns EFI_DEVICE_ERROR",
                    "fault: EFI GetVariable never returns (the CPU stays in the firmware)");
        }

        @Test
        void unknownFaultNamesAreRefused() {
            assertThatThrownBy(() -> EfiFault.parse("set-variable")).hasMessageContaining("expected SERVICE:FAULT");
            assertThatThrownBy(() -> EfiFault.parse("set-variabel:fail")).hasMessageStartingWith(
                    "'set-variabel' is not a runtime service; expected one of get-time, set-time");
        }
    }
}
