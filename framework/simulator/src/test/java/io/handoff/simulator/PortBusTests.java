package io.handoff.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortBusTests {
    @Test
    void unmappedPortsReadFFAndWritesAreRemembered() {
        PortBus bus = new PortBus(new VirtualClock());
        assertThat(bus.inb(0xCA2)).isEqualTo(0xFF);
        bus.outb(0xCF9, 0x06);
        assertThat(bus.unmappedWrites()).singleElement().satisfies(w -> assertThat(w).containsExactly(0xCF9, 0x06));
    }

    @Test
    void dispatchesByRangeAndChargesOneMicrosecondPerAccess() {
        VirtualClock clock = new VirtualClock();
        List<String> seen = new ArrayList<>();
        PortBus bus = new PortBus(clock).map(0x70, 2, new PortDevice() {
            @Override
            public int inb(int port) {
                seen.add("in " + Integer.toHexString(port));
                return 0x42;
            }

            @Override
            public void outb(int port, int value) {
                seen.add("out " + Integer.toHexString(port) + "=" + value);
            }
        });
        bus.outb(0x70, 0x8A);
        assertThat(bus.inb(0x71)).isEqualTo(0x42);
        assertThat(bus.inb(0x72)).isEqualTo(0xFF);
        assertThat(seen).containsExactly("out 70=138", "in 71");
        assertThat(clock.nanos()).isEqualTo(3 * VirtualClock.PORT_ACCESS_NS);
    }

    @Test
    void overlappingDevicesAreRefused() {
        PortBus bus = new PortBus(new VirtualClock()).map(0x3F8, 8, new Uart16550(0x3F8, new VirtualClock()));
        assertThatThrownBy(() -> bus.map(0x3FF, 2, new Uart16550(0x3FF, new VirtualClock())))
                .hasMessageContaining("ports 0x3ff-0x400 overlap 0x3f8-0x3ff");
    }

    @Test
    void memoryTrafficCostsOneNanosecondPerByte() {
        VirtualClock clock = new VirtualClock();
        clock.memoryTransfer(8L << 30);
        assertThat(clock.nanos()).isEqualTo(8L << 30);
    }
}
