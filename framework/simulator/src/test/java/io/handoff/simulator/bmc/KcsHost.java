package io.handoff.simulator.bmc;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * A minimal KCS host driver for the tests (IPMI 2.0 §9.15 write and read phases), whose every port access costs
 * one microsecond of virtual time, like the reference machine's port bus.
 */
final class KcsHost {
    static final long ACCESS_NS = 1_000;
    private static final int POLLS = 5_000_000;

    final long[] now = {0};
    final KcsBmc bmc;

    KcsHost(KcsBmc.Config config) {
        this.bmc = new KcsBmc(() -> now[0], config);
    }

    static KcsHost healthy() {
        return new KcsHost(KcsBmc.Config.defaults());
    }

    static KcsHost with(BmcFault fault) {
        return new KcsHost(KcsBmc.Config.defaults().fault(fault));
    }

    int status() {
        now[0] += ACCESS_NS;
        return bmc.inb(0xCA3);
    }

    int data() {
        now[0] += ACCESS_NS;
        return bmc.inb(0xCA2);
    }

    void command(int code) {
        now[0] += ACCESS_NS;
        bmc.outb(0xCA3, code);
    }

    void write(int value) {
        now[0] += ACCESS_NS;
        bmc.outb(0xCA2, value);
    }

    /** Poll until IBF is clear; return the status; fail after many polls. */
    int waitIbfClear() {
        for (int i = 0; i < POLLS; i++) {
            int s = status();
            if ((s & KcsBmc.IBF) == 0) {
                return s;
            }
        }
        throw new IllegalStateException("IBF never cleared");
    }

    int waitObf() {
        for (int i = 0; i < POLLS; i++) {
            int s = status();
            if ((s & KcsBmc.OBF) != 0) {
                return s;
            }
        }
        throw new IllegalStateException("OBF never set");
    }

    static int state(int status) {
        return status >> 6 & 3;
    }

    /** Run one transaction as the spec's host flow does; return the response bytes. */
    byte[] transact(byte[] request) {
        int s = waitIbfClear();
        expect(s, 0, "idle before the write");
        if ((s & KcsBmc.OBF) != 0) {
            data();
        }
        command(KcsBmc.WRITE_START);
        for (int i = 0; i < request.length; i++) {
            s = waitIbfClear();
            expect(s, 2, "write");
            if ((s & KcsBmc.OBF) != 0) {
                data();
            }
            if (i == request.length - 1) {
                command(KcsBmc.WRITE_END);
                s = waitIbfClear();
                expect(s, 2, "write after WRITE_END");
            }
            write(request[i] & 0xFF);
        }
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        for (;;) {
            s = waitIbfClear();
            if (state(s) == 0) {
                waitObf();
                data(); // the dummy byte
                return response.toByteArray();
            }
            expect(s, 1, "read");
            waitObf();
            response.write(data());
            write(KcsBmc.READ);
        }
    }

    /** Run the abort recovery; return the interface status code it reads. */
    int abort() {
        waitIbfClear();
        command(KcsBmc.GET_STATUS_ABORT);
        int s = waitIbfClear();
        expect(s, 2, "write after GET_STATUS/ABORT");
        if ((s & KcsBmc.OBF) != 0) {
            data();
        }
        write(0x00);
        expect(waitIbfClear(), 1, "read of the status code");
        waitObf();
        int code = data();
        write(KcsBmc.READ);
        expect(waitIbfClear(), 0, "idle after the status code");
        waitObf();
        data();
        return code;
    }

    static void expect(int status, int state, String when) {
        if (state(status) != state) {
            throw new IllegalStateException(String.format("status %#04x: state %d, expected %d (%s)", status,
                    state(status), state, when));
        }
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(b);
    }
}
