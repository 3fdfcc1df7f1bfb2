package io.handoff.lastwords;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.handoff.lastwords.WatchdogTimer.PreTimeoutInterrupt;
import io.handoff.lastwords.WatchdogTimer.TimeoutAction;
import io.handoff.lastwords.WatchdogTimer.TimerUse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpmiMessagesTests {

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Nested
    class Framing {
        @Test
        void requestIsNetFnShiftedWithLunThenCommandThenData() {
            IpmiRequest request = new IpmiRequest(NetFn.STORAGE, 2, 0x44, bytes(1, 2));
            assertThat(request.bytes()).containsExactly(0x2A, 0x44, 1, 2);
        }

        @Test
        void requestDataIsCopied() {
            byte[] data = bytes(1);
            IpmiRequest request = IpmiRequest.of(NetFn.APP, 0x24, data);
            data[0] = 9;
            assertThat(request.data()).containsExactly(1);
            assertThat(request).isEqualTo(IpmiRequest.of(NetFn.APP, 0x24, bytes(1)));
        }

        @Test
        void requestRejectsAResponseNetFnAndOverlongData() {
            assertThatThrownBy(() -> IpmiRequest.of(0x07, 0x01)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("even");
            assertThatThrownBy(() -> IpmiRequest.of(NetFn.APP, 0x01, new byte[39]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("41 bytes");
        }

        @Test
        void responseCarriesCompletionCodeAndData() {
            IpmiResponse response = IpmiResponse.parse(WatchdogTimer.reset(), bytes(0x1C, 0x22, 0x80));
            assertThat(response.netFn()).isEqualTo(0x07);
            assertThat(response.cmd()).isEqualTo(WatchdogTimer.CMD_RESET);
            assertThat(response.completionCode()).isEqualTo(WatchdogTimer.CC_NOT_INITIALISED);
            assertThat(response.ok()).isFalse();
            assertThat(response.data()).isEmpty();
        }

        @Test
        void shortResponseGetsUnspecifiedCompletionCodeAsLinuxDoes() {
            IpmiResponse response = IpmiResponse.parse(WatchdogTimer.reset(), bytes(0x1C, 0x22));
            assertThat(response.completionCode()).isEqualTo(IpmiResponse.CC_UNSPECIFIED);
            assertThat(response.bytes()).containsExactly(0x1C, 0x22, 0xFF);
        }

        @Test
        void responseToAnotherCommandIsRejected() {
            assertThatThrownBy(() -> IpmiResponse.parse(WatchdogTimer.reset(), bytes(0x1C, 0x24, 0x00)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1C 24")
                    .hasMessageContaining("18 22");
        }

        @Test
        void requestHeaderOrOneByteIsNoResponse() {
            assertThatThrownBy(() -> IpmiResponse.parse(bytes(0x18, 0x22, 0x00)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a request");
            assertThatThrownBy(() -> IpmiResponse.parse(bytes(0x1C)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 bytes");
        }
    }

    @Nested
    class GetDeviceId {
        @Test
        void requestIsApp01() {
            assertThat(DeviceId.request().bytes()).containsExactly(0x18, 0x01);
        }

        @Test
        void responseIsDecoded() {
            IpmiResponse response = IpmiResponse.parse(DeviceId.request(),
                    bytes(0x1C, 0x01, 0x00, 0x20, 0x81, 0x02, 0x15, 0x02, 0xBF, 0x57, 0x01, 0x00, 0x34, 0x12));
            DeviceId id = DeviceId.parse(response);
            assertThat(id).isEqualTo(new DeviceId(0x20, 1, true, 2, 15, false, "2.0", 0xBF, 0x157, 0x1234));
            assertThat(id.hasSel()).isTrue();
        }

        @Test
        void shortResponseIsRejected() {
            IpmiResponse response = IpmiResponse.parse(DeviceId.request(), bytes(0x1C, 0x01, 0x00, 0x20));
            assertThatThrownBy(() -> DeviceId.parse(response)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 data bytes, need 11");
        }
    }

    @Nested
    class Watchdog {
        @Test
        void setFor120SecondsWithHardReset() {
            IpmiRequest set = WatchdogTimer.set(WatchdogTimer.start(120, TimeoutAction.HARD_RESET, false));
            // SMS/OS use with "don't stop", hard reset, no pre-timeout, no flags cleared, 1200 = 0x04B0 LSB first
            assertThat(set.bytes()).containsExactly(0x18, 0x24, 0x44, 0x01, 0x00, 0x00, 0xB0, 0x04);
        }

        @Test
        void dontLogIsBit7AndPowerCycleIs3() {
            IpmiRequest set = WatchdogTimer.set(WatchdogTimer.start(6553, TimeoutAction.POWER_CYCLE, true));
            assertThat(set.bytes()).containsExactly(0x18, 0x24, 0xC4, 0x03, 0x00, 0x00, 0xFA, 0xFF);
        }

        @Test
        void preTimeoutInterruptGoesInBits6To4() {
            byte[] data = new WatchdogTimer.SetData(TimerUse.OS_LOAD, false, false, TimeoutAction.POWER_DOWN,
                    PreTimeoutInterrupt.NMI, 10, 0x10, 300).bytes();
            assertThat(data).containsExactly(0x03, 0x22, 0x0A, 0x10, 0x2C, 0x01);
        }

        @Test
        void stopIsSetWithoutDontStopAndNoAction() {
            assertThat(WatchdogTimer.stop().bytes()).containsExactly(0x18, 0x24, 0x04, 0x00, 0x00, 0x00, 0x64, 0x00);
        }

        @Test
        void resetAndGetHaveNoData() {
            assertThat(WatchdogTimer.reset().bytes()).containsExactly(0x18, 0x22);
            assertThat(WatchdogTimer.get().bytes()).containsExactly(0x18, 0x25);
        }

        @ParameterizedTest
        @CsvSource({"0", "6554", "-1"})
        void secondsOutside1To6553AreRejected(int seconds) {
            assertThatThrownBy(() -> WatchdogTimer.start(seconds, TimeoutAction.HARD_RESET, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..6553");
        }

        @Test
        void getResponseIsDecoded() {
            IpmiResponse response = IpmiResponse.parse(WatchdogTimer.get(),
                    bytes(0x1C, 0x25, 0x00, 0x44, 0x21, 0x05, 0x10, 0xB0, 0x04, 0x2C, 0x01));
            WatchdogTimer.Status status = WatchdogTimer.parseStatus(response);
            assertThat(status).isEqualTo(new WatchdogTimer.Status(TimerUse.SMS_OS, true, false,
                    TimeoutAction.HARD_RESET, PreTimeoutInterrupt.NMI, 5, 0x10, 1200, 300));
            assertThat(status.initialSeconds()).isEqualTo(120);
        }

        @Test
        void getResponseWithFewerThan8BytesIsRejected() {
            IpmiResponse response = IpmiResponse.parse(WatchdogTimer.get(), bytes(0x1C, 0x25, 0x00, 0x44));
            assertThatThrownBy(() -> WatchdogTimer.parseStatus(response))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 8");
        }
    }

    @Nested
    class PanicEvent {
        @Test
        void isLinuxPanicEventWithHandoffGenerator() {
            IpmiRequest event = PlatformEvent.panic("handoff to capture kernel");
            assertThat(event.bytes()).containsExactly(0x10, 0x02,
                    0x43, 0x03, 0x20, 'h', 0x6F, 0xA1, 'a', 'n');
        }

        @Test
        void missingTextCharactersAreZero() {
            assertThat(PlatformEvent.panic("x").data()).containsExactly(0x43, 0x03, 0x20, 'x', 0x6F, 0xA1, 0, 0);
        }
    }

    @Nested
    class SelText {
        @Test
        void thirtyCharactersSplitIntoThreeRecordsWithSequenceNumbers() {
            String text = "0123456789abcdefghijKLMNOPQRST";
            List<byte[]> records = SelRecords.textRecords(text);
            assertThat(records).hasSize(3);
            assertThat(records.get(0)).containsExactly(0, 0, 0xF0, 0x20, 0,
                    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a');
            assertThat(records.get(1)).containsExactly(0, 0, 0xF0, 0x20, 1,
                    'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'K', 'L');
            // the last piece is zero padded
            assertThat(records.get(2)).containsExactly(0, 0, 0xF0, 0x20, 2,
                    'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 0, 0, 0);
        }

        @Test
        void fullPieceIsNotNulTerminated() {
            List<byte[]> records = SelRecords.textRecords("exactly 11!");
            assertThat(records).hasSize(1);
            assertThat(records.get(0)[15]).isEqualTo((byte) '!');
        }

        @Test
        void addSelEntryIsStorage44WithTheRecord() {
            byte[] record = SelRecords.textRecords("abc").get(0);
            byte[] wire = SelRecords.addEntry(record).bytes();
            assertThat(wire).hasSize(18);
            assertThat(wire).startsWith(0x28, 0x44, 0, 0, 0xF0, 0x20, 0, 'a', 'b', 'c', 0);
        }

        @Test
        void addSelEntryResponseCarriesRecordIdLsbFirst() {
            IpmiRequest add = SelRecords.addEntry(new byte[16]);
            assertThat(SelRecords.addedRecordId(IpmiResponse.parse(add, bytes(0x2C, 0x44, 0x00, 0x34, 0x12))))
                    .isEqualTo(0x1234);
        }

        @Test
        void textRoundTripsThroughTheDecoder() {
            String text = "handoff to capture kernel: console=ttyS0";
            List<SelRecord> decoded = SelRecords.textRecords(text).stream().map(SelRecords::decode).toList();
            assertThat(decoded).allMatch(r -> r instanceof SelRecord.OemText t && t.slaveAddress() == 0x20);
            assertThat(SelRecords.joinText(List.of(decoded.get(2), decoded.get(0), decoded.get(3), decoded.get(1))))
                    .isEqualTo(text);
        }

        @Test
        void nonAsciiBecomesQuestionMarkAndEmptyTextHasNoRecord() {
            assertThat(SelRecords.textRecords("é").get(0)[5]).isEqualTo((byte) '?');
            assertThat(SelRecords.textRecords("")).isEmpty();
        }
    }

    @Nested
    class SelDecoding {
        @Test
        void cpuIpRecordIsFormatSection7Layout() {
            byte[] record = SelRecords.cpuIpRecord(1, 0xFFFFFFFF81234567L);
            assertThat(record).containsExactly(0, 0, 0xF1, 0x20, 1,
                    0x67, 0x45, 0x23, 0x81, 0xFF, 0xFF, 0xFF, 0xFF, 'H', 'O', 'F');
            assertThat(SelRecords.decode(record)).isEqualTo(new SelRecord.CpuIp(0, 0x20, 1, 0xFFFFFFFF81234567L));
        }

        @Test
        void cpuIpRecordWithoutMarkerIsRejected() {
            byte[] record = SelRecords.cpuIpRecord(0, 1);
            record[15] = 'X';
            assertThatThrownBy(() -> SelRecords.decode(record)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("offset 13").hasMessageContaining("HOX");
        }

        @Test
        void systemEventAsABmcStoresThePanicEvent() {
            byte[] record = bytes(0x05, 0x00, 0x02, 0x78, 0x56, 0x34, 0x12, 0x43, 0x00, 0x03, 0x20, 'h', 0x6F, 0xA1,
                    'a', 'n');
            assertThat(SelRecords.decode(record)).isEqualTo(new SelRecord.SystemEvent(5, 0x12345678L, 0x43, 0x03,
                    0x20, 'h', 0x6F, 0xA1, 'a', 'n'));
        }

        @Test
        void otherTypesAreKeptAsBytes() {
            byte[] record = new byte[16];
            record[2] = (byte) 0xC0;
            SelRecord decoded = SelRecords.decode(record);
            assertThat(decoded).isEqualTo(new SelRecord.Other(0, 0xC0, record));
            assertThat(decoded.type()).isEqualTo(0xC0);
        }

        @Test
        void recordsHave16Bytes() {
            assertThatThrownBy(() -> SelRecords.decode(new byte[15])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("15 bytes");
            assertThatThrownBy(() -> SelRecords.addEntry("short".getBytes(StandardCharsets.US_ASCII)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
