package io.handoff.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.handoff.api.FailureKind;
import io.handoff.api.HandoffException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JNA binding, proven against the real runtime's host build (framework-purgatory, from the class path). */
class HostPurgatoryTests {
    static HostPurgatory runtime;

    VirtualClock clock;
    PhysicalMemory memory;
    Uart16550 uart;
    PortBus bus;
    int[] lsrReads;

    @BeforeAll
    static void load() {
        // ProgramBytes writes little-endian areas
        runtime = TestArchitecture.runtime(ByteOrder.LITTLE_ENDIAN);
    }

    @BeforeEach
    void setUp() {
        clock = new VirtualClock();
        memory = new PhysicalMemory();
        uart = new Uart16550(0x3F8, clock);
        lsrReads = new int[1];
        PortDevice counting = new PortDevice() {
            @Override
            public int inb(int port) {
                if (port == 0x3FD) {
                    lsrReads[0]++;
                }
                return uart.inb(port);
            }

            @Override
            public void outb(int port, int value) {
                uart.outb(port, value);
            }
        };
        bus = new PortBus(clock).map(0x3F8, 8, counting).map(0x70, 2, CmosRtc.pcDefault(clock, LocalDateTime.now()));
    }

    @Nested
    class Callbacks {
        @Test
        void portIoReachesTheUartAndTheJumpIsRecordedWithAll17Registers() {
            HostPurgatory.Result r = runtime.run(bus, memory, clock,
                    ProgramBytes.program().console().jump(0x2d00200, 0x3dffe000L).area(), TestArchitecture.cpu());
            assertThat(r.status()).isEqualTo(HostPurgatory.STOPPED);
            String text = "purgatory: handoff v1, 2 steps, budget 5000000 us\n"
                    + "purgatory: jump to 0x2d00200 rsi=0x3dffe000\n";
            assertThat(uart.text()).isEqualTo(text);
            // the runtime polls LSR before each byte and waits out the previous character (86.8 us)
            assertThat(lsrReads[0]).isGreaterThan(text.length() + (text.length() - 1) * 80);
            assertThat(r.handoff()).asInstanceOf(type(Handoff.Jumped.class)).satisfies(j -> {
                assertThat(j.entry()).isEqualTo(0x2d00200);
                assertThat(j.register("rsi")).isEqualTo(0x3dffe000L);
                assertThat(j.register("rax")).isEqualTo(0xAAAA);
                assertThat(j.registers()).hasSize(17).containsKeys("r8", "r15");
            });
            assertThat(r.handoffAt()).get().isEqualTo(clock.elapsed());
            assertThat(r.callbackError()).isEmpty();
        }

        @Test
        void readAndWriteMoveBytesThroughSimulatedMemoryAndCostVirtualTime() {
            byte[] data = new byte[1000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i ^ 0x5A);
            }
            memory.write(0x10_0000, data, 0, data.length);
            long before = clock.nanos();
            HostPurgatory.Result r = runtime.run(bus, memory, clock, ProgramBytes.program().console()
                    .step(4, true, 10, 0x10_0000, 0x1_0000_0000L, 1000).step(17, true, 1, 7).area(), TestArchitecture.cpu());
            assertThat(memory.bytes(0x1_0000_0000L, 1000)).containsExactly(data);
            assertThat(r.handoff()).isEqualTo(new Handoff.Halted(7));
            assertThat(r.status()).isEqualTo(HostPurgatory.HALTED);
            assertThat(uart.text()).contains("purgatory: copied 1000 bytes 0x100000 -> 0x100000000\n",
                    "purgatory: halt, reason 7\n");
            assertThat(clock.nanos() - before).isGreaterThanOrEqualTo(2000 + 2 * 86_805L);
        }

        @Test
        void withoutAConsoleTheCopyCostsExactlyItsMemoryTraffic() {
            memory.write(0x10_0000, new byte[1000], 0, 1000);
            HostPurgatory.Result r = runtime.run(bus, memory, clock,
                    ProgramBytes.program().step(4, true, 10, 0x10_0000, 0x1_0000_0000L, 1000).step(17, true, 1, 7).area(), TestArchitecture.cpu());
            assertThat(r.handoff()).isEqualTo(new Handoff.Halted(7));
            // 1000 bytes read and 1000 written at 1 GB/s, no port access
            assertThat(clock.nanos()).isEqualTo(2000);
            assertThat(uart.text()).isEmpty();
        }

        @Test
        void resetIsRecordedWithItsMethod() {
            HostPurgatory.Result r = runtime.run(bus, memory, clock, ProgramBytes.program().step(18, true, 1, 2).area(), TestArchitecture.cpu());
            assertThat(r.handoff()).isEqualTo(new Handoff.Reset(2));
        }

        @Test
        void aStuckUartCostsTheRuntimeOneBoundedWaitButTheJumpStillHappens() {
            uart.stuck();
            HostPurgatory.Result r = runtime.run(bus, memory, clock,
                    ProgramBytes.program().iterationCap(100_000).console().jump(0x1000, 0x2000).area(), TestArchitecture.cpu());
            assertThat(r.handoff()).isInstanceOf(Handoff.Jumped.class);
            assertThat(uart.text()).isEmpty();
            // no RTC step, so the wait ends on the iteration cap; the console is dead after it, not waited on per byte
            assertThat(lsrReads[0]).isEqualTo(100_000);
        }
    }

    @Nested
    class Refusals {
        @Test
        void aBadMagicIsRefusedWithStatusMinus1() {
            byte[] area = ProgramBytes.program().jump(1, 2).area();
            area[0] ^= 1;
            HostPurgatory.Result r = runtime.run(bus, memory, clock, area, TestArchitecture.cpu());
            assertThat(r.status()).isEqualTo(-1);
            assertThat(r.handoff()).isEqualTo(new Handoff.Refused(-1, "bad magic in the parameter area"));
            assertThat(r.handoffAt()).isEmpty();
        }

        @Test
        void aMissingLibraryIsNotAvailableNamingThePath() {
            assertThatThrownBy(() -> HostPurgatory.load(Path.of("/nonexistent/libx.so")))
                    .isInstanceOf(HandoffException.class).hasMessage("/nonexistent/libx.so: no purgatory host library there")
                    .extracting(e -> ((HandoffException) e).kind()).isEqualTo(FailureKind.NOT_AVAILABLE);
        }

        @Test
        void aFileThatIsNoLibraryIsNotAvailable(@TempDir Path tmp) throws IOException {
            Path text = Files.writeString(tmp.resolve("libnot-a-library.so"), "not an ELF shared object\n");
            assertThatThrownBy(() -> HostPurgatory.load(text))
                    .isInstanceOf(HandoffException.class).hasMessageContaining("cannot load the purgatory host library")
                    .extracting(e -> ((HandoffException) e).kind()).isEqualTo(FailureKind.NOT_AVAILABLE);
        }
    }
}
