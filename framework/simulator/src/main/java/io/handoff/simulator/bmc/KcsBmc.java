package io.handoff.simulator.bmc;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A BMC behind a KCS system interface, device side (IPMI 2.0 §9.15), on the reference machine's virtual time.
 *
 * <p>Registers: the data register at {@code dataPort} (reads take the output byte and clear OBF; writes put a
 * byte in the input register) and the command/status register at {@code statusPort} (reads give the status;
 * writes put a control code in the input register). Status bits: OBF 0x01, IBF 0x02, SMS_ATN 0x04, C/D 0x08
 * (the last write went to the command register), state in bits 7:6 (0 IDLE, 1 READ, 2 WRITE, 3 ERROR).
 *
 * <p>Every host write sets IBF; the BMC consumes the byte {@link Config#consumeDelay()} later (virtual time,
 * seen at the host's next access) and clears IBF. What consuming does:
 * <ul>
 *   <li>WRITE_START (0x61, command): a new request; state WRITE;</li>
 *   <li>a data byte in WRITE: appended; after WRITE_END (0x62, command) it is the last one: the request runs,
 *     state READ, the first response byte is put in the output register (OBF);</li>
 *   <li>READ (0x68, data) in READ: the next response byte, or, after the last, state IDLE and a dummy byte;</li>
 *   <li>GET_STATUS/ABORT (0x60, command): state WRITE; the 0x00 the host then writes gives state READ and the
 *     interface's status code (0 none, 1 aborted, 2 illegal control code, 6 length error) as the output byte;
 *     the READ after it gives IDLE and a dummy byte;</li>
 *   <li>anything else (a data byte in IDLE, an unknown control code, a byte other than READ in READ): the ERROR
 *     state, with the status code the abort will report.</li>
 * </ul>
 *
 * <p>Commands: Get Device ID; Set, Reset and Get Watchdog Timer (the countdown runs on virtual time; on expiry
 * with a hard reset the BMC records a machine reset); Platform Event Message (stored as a system event record);
 * Add SEL Entry, Get SEL Info, Reserve SEL and Get SEL Entry. Others answer 0xC1 (invalid command).
 *
 * @since 0.1
 */
public final class KcsBmc {
    /** Status bit: a byte waits in the output register. */
    public static final int OBF = 0x01;
    /** Status bit: the host's byte waits in the input register. */
    public static final int IBF = 0x02;
    /** Status bit: the BMC has a message for system management software (never set here). */
    public static final int SMS_ATN = 0x04;
    /** Status bit: the last host write went to the command register. */
    public static final int CD = 0x08;
    /** Control code GET_STATUS/ABORT. */
    public static final int GET_STATUS_ABORT = 0x60;
    /** Control code WRITE_START. */
    public static final int WRITE_START = 0x61;
    /** Control code WRITE_END. */
    public static final int WRITE_END = 0x62;
    /** Control code READ (written to the data register). */
    public static final int READ = 0x68;
    /** Interface status code: aborted by a command. */
    public static final int STATUS_ABORTED = 0x01;
    /** Interface status code: illegal control code. */
    public static final int STATUS_ILLEGAL_CONTROL_CODE = 0x02;
    /** Interface status code: length error. */
    public static final int STATUS_LENGTH_ERROR = 0x06;
    /** The longest request the BMC accepts (IPMI's 272-byte message). */
    public static final int MAX_REQUEST = 272;

    /** The KCS interface state (status bits 7:6). */
    public enum State {
        /** Waiting for a request. */
        IDLE,
        /** The host reads the response. */
        READ,
        /** The host writes the request. */
        WRITE,
        /** A protocol error; only GET_STATUS/ABORT leaves it. */
        ERROR
    }

    /**
     * Where the BMC is, how it behaves, and its clock.
     *
     * @param dataPort the data register's port
     * @param statusPort the command/status register's port
     * @param fault the injected fault
     * @param consumeDelay how long the BMC takes to consume each byte written to it
     * @param slowDelay the same under {@link BmcFault#SLOW}
     * @param clockStart the BMC's wall-clock time at the crash (UTC), for SEL timestamps
     */
    public record Config(int dataPort, int statusPort, BmcFault fault, Duration consumeDelay, Duration slowDelay,
                         LocalDateTime clockStart) {
        /** Check. */
        public Config {
            if (dataPort < 0 || dataPort > 0xFFFF || statusPort < 0 || statusPort > 0xFFFF || dataPort == statusPort) {
                throw new IllegalArgumentException(String.format("bad KCS ports %#x/%#x", dataPort, statusPort));
            }
            Objects.requireNonNull(fault, "fault");
            Objects.requireNonNull(consumeDelay, "consumeDelay");
            Objects.requireNonNull(slowDelay, "slowDelay");
            Objects.requireNonNull(clockStart, "clockStart");
        }

        /** Return a healthy BMC at 0xCA2/0xCA3 consuming a byte in 20 µs, its clock at 2024-06-01 12:00:00. */
        public static Config defaults() {
            return new Config(0xCA2, 0xCA3, BmcFault.NONE, Duration.ofNanos(20_000), Duration.ofSeconds(1),
                    LocalDateTime.of(2024, 6, 1, 12, 0, 0));
        }

        /** Return this configuration with a fault. */
        public Config fault(BmcFault value) {
            return new Config(dataPort, statusPort, value, consumeDelay, slowDelay, clockStart);
        }

        /** Return this configuration at other ports. */
        public Config ports(int data, int status) {
            return new Config(data, status, fault, consumeDelay, slowDelay, clockStart);
        }

        /** Return this configuration with another clock. */
        public Config clock(LocalDateTime start) {
            return new Config(dataPort, statusPort, fault, consumeDelay, slowDelay, start);
        }

        /** Return the per-byte delay in effect. */
        public Duration delay() {
            return fault == BmcFault.SLOW ? slowDelay : consumeDelay;
        }
    }

    /**
     * One request the BMC ran and what it answered.
     *
     * @param at the virtual time the request was complete
     * @param request the request bytes as received, hex
     * @param response the response bytes as sent, hex
     */
    public record Exchange(Duration at, String request, String response) {
    }

    private final LongSupplier clock;
    private final Config config;
    private final BmcWatchdog watchdog = new BmcWatchdog();
    private final List<SelEntry> sel = new ArrayList<>();
    private final List<Exchange> exchanges = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final List<Duration> resets = new ArrayList<>();

    private State state = State.IDLE;
    private boolean obf;
    private boolean ibf;
    private boolean cd;
    private int output;
    private int input;
    private long consumeAt;
    private boolean stuck;
    private int statusCode;
    private boolean writeEnded;
    private int abortPhase;
    private int dataBytes;
    private final ByteArrayOutputStream request = new ByteArrayOutputStream();
    private byte[] response = new byte[0];
    private int responseAt;
    private int nextRecordId = 1;
    private int reservation;
    private int garbage;
    private long accesses;
    private long overruns;

    /**
     * Create a BMC.
     *
     * @param clock the machine's virtual time in nanoseconds
     * @param config ports, fault, delays and clock
     */
    public KcsBmc(LongSupplier clock, Config config) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Return the configuration. */
    public Config config() {
        return config;
    }

    /** Read a port: the status register, or the data register (which clears OBF). */
    public int inb(int port) {
        accesses++;
        if (config.fault() == BmcFault.ABSENT) {
            return 0xFF;
        }
        advance();
        if (port == config.statusPort()) {
            return status();
        }
        if (port == config.dataPort()) {
            obf = false;
            return output;
        }
        throw new IllegalArgumentException(String.format("port %#x is not this BMC's", port));
    }

    /** Write a port: a control code to the command register, or a byte to the data register; either sets IBF. */
    public void outb(int port, int value) {
        accesses++;
        if (config.fault() == BmcFault.ABSENT) {
            return;
        }
        advance();
        if (port != config.statusPort() && port != config.dataPort()) {
            throw new IllegalArgumentException(String.format("port %#x is not this BMC's", port));
        }
        if (ibf) {
            // the host overwrote a byte the BMC had not taken yet: the first is lost, as on real hardware
            overruns++;
        }
        ibf = true;
        cd = port == config.statusPort();
        input = value & 0xFF;
        consumeAt = clock.getAsLong() + config.delay().toNanos();
        if (config.fault() == BmcFault.NEVER_CLEARS_IBF) {
            stuck = true;
        }
    }

    /** Return the status register as the host would read it now. */
    public int status() {
        return state.ordinal() << 6 | (cd ? CD : 0) | (ibf ? IBF : 0) | (obf ? OBF : 0);
    }

    /** Return the interface state. */
    public State state() {
        return state;
    }

    /** Return how many times the host wrote while IBF was still set. */
    public long overruns() {
        return overruns;
    }

    /**
     * Bring the BMC up to the current virtual time: consume a waiting byte whose delay has passed and run the
     * watchdog's countdown. The host's accesses do this; call it before reading the state at the end of a run.
     */
    public void advance() {
        long now = clock.getAsLong();
        if (ibf && !stuck && now >= consumeAt) {
            ibf = false;
            consume(cd, input);
        }
        watchdog.tick(now).ifPresent(this::expired);
    }

    /** Return everything the BMC recorded, as of the current virtual time. */
    public BmcReport report() {
        if (config.fault() != BmcFault.ABSENT) {
            advance();
        }
        return new BmcReport(config.dataPort(), config.statusPort(), config.fault(), accesses, List.copyOf(sel),
                watchdog.state(clock.getAsLong()), List.copyOf(exchanges), List.copyOf(events), List.copyOf(resets));
    }

    private void consume(boolean command, int value) {
        if (command) {
            control(value);
        } else {
            data(value);
        }
    }

    private void control(int code) {
        switch (code) {
            case WRITE_START -> {
                if (state == State.WRITE || state == State.READ) {
                    statusCode = STATUS_ABORTED;
                }
                request.reset();
                dataBytes = 0;
                writeEnded = false;
                abortPhase = 0;
                // the fault: the transfer never gets going
                state = config.fault() == BmcFault.ERROR_STATE ? State.ERROR : State.WRITE;
                if (config.fault() == BmcFault.ERROR_STATE) {
                    statusCode = STATUS_ILLEGAL_CONTROL_CODE;
                }
            }
            case WRITE_END -> {
                if (state == State.WRITE && abortPhase == 0) {
                    writeEnded = true;
                } else {
                    error(STATUS_ILLEGAL_CONTROL_CODE);
                }
            }
            case GET_STATUS_ABORT -> {
                request.reset();
                writeEnded = false;
                abortPhase = 1;
                state = State.WRITE;
            }
            default -> error(STATUS_ILLEGAL_CONTROL_CODE);
        }
    }

    private void data(int value) {
        if (abortPhase == 1) {
            // the 0x00 after GET_STATUS/ABORT: answer with the status code
            abortPhase = 2;
            state = State.READ;
            put(statusCode);
            statusCode = 0;
            return;
        }
        if (abortPhase == 2) {
            abortPhase = 0;
            if (value != READ) {
                error(STATUS_ILLEGAL_CONTROL_CODE);
                return;
            }
            state = State.IDLE;
            put(0x00);
            return;
        }
        switch (state) {
            case WRITE -> {
                int index = dataBytes++;
                boolean lost = config.fault() == BmcFault.DROPS_BYTES && index % 2 == 1;
                if (!lost) {
                    request.write(value);
                }
                if (request.size() > MAX_REQUEST) {
                    error(STATUS_LENGTH_ERROR);
                    return;
                }
                if (writeEnded) {
                    respond(request.toByteArray());
                }
            }
            case READ -> {
                if (value != READ) {
                    error(STATUS_ILLEGAL_CONTROL_CODE);
                } else if (responseAt < response.length) {
                    put(response[responseAt++] & 0xFF);
                } else {
                    state = State.IDLE;
                    put(0x00);
                }
            }
            default -> error(STATUS_ILLEGAL_CONTROL_CODE);
        }
    }

    private void put(int value) {
        output = value & 0xFF;
        obf = true;
    }

    private void error(int code) {
        state = State.ERROR;
        statusCode = code;
        writeEnded = false;
        abortPhase = 0;
    }

    private void respond(byte[] req) {
        writeEnded = false;
        response = answer(req);
        exchanges.add(new Exchange(Duration.ofNanos(clock.getAsLong()), hex(req), hex(response)));
        responseAt = 0;
        state = State.READ;
        put(response[responseAt++] & 0xFF);
    }

    /** Run a request; return the response bytes: header, command, completion code, data. */
    private byte[] answer(byte[] req) {
        if (req.length < 2) {
            return new byte[] {(byte) ((req.length > 0 ? req[0] : 0) | 0x04), 0, (byte) 0xC7};
        }
        int netFn = (req[0] & 0xFF) >> 2;
        int cmd = req[1] & 0xFF;
        byte[] data = Arrays.copyOfRange(req, 2, req.length);
        byte[] result;
        if (config.fault() == BmcFault.GARBAGE_CC) {
            // a BMC that fails everything, each time differently; nothing is done
            int[] codes = {0xC3, 0xD5, 0xFF, 0x7E, 0xC0};
            result = new byte[] {(byte) codes[garbage++ % codes.length]};
        } else {
            result = run(netFn, cmd, data);
        }
        int header = config.fault() == BmcFault.WRONG_HEADER ? req[0] & 0xFF : (req[0] & 0xFF) | 0x04;
        byte[] out = new byte[2 + result.length];
        out[0] = (byte) header;
        out[1] = (byte) cmd;
        System.arraycopy(result, 0, out, 2, result.length);
        return out;
    }

    /** Run a command; return the completion code and the response data. */
    private byte[] run(int netFn, int cmd, byte[] d) {
        long now = clock.getAsLong();
        switch (netFn << 8 | cmd) {
            case 0x0601: // Get Device ID: BMC 0x20, rev 1, firmware 1.23, IPMI 2.0, sensor/SEL/SDR, IANA 343, product 0x48
                return new byte[] {0, 0x20, (byte) 0x81, 0x01, 0x23, 0x02, 0x0D, 0x57, 0x01, 0x00, 0x48, 0x00};
            case 0x0622:
                return new byte[] {(byte) watchdog.reset(now)};
            case 0x0624:
                return new byte[] {(byte) watchdog.set(d, now)};
            case 0x0625:
                return concat(new byte[] {0}, watchdog.get(now));
            case 0x0402: // Platform Event Message through the system interface: the generator id comes with it
                if (d.length != 8) {
                    return new byte[] {(byte) 0xC7};
                }
                byte[] event = new byte[SelEntry.SIZE];
                event[2] = SelEntry.TYPE_SYSTEM_EVENT;
                event[7] = d[0];
                event[8] = 0; // channel 0, LUN 0
                System.arraycopy(d, 1, event, 9, 7);
                store(event);
                return new byte[] {0};
            case 0x0A40: { // Get SEL Info: version 0x51, entries, free space, last add/erase, operations
                int free = (0xFFFF - sel.size()) * SelEntry.SIZE;
                long last = sel.isEmpty() ? 0 : stamp(sel.get(sel.size() - 1).at().toNanos());
                return new byte[] {0, 0x51, (byte) sel.size(), (byte) (sel.size() >> 8), (byte) free, (byte) (free >> 8),
                    (byte) last, (byte) (last >> 8), (byte) (last >> 16), (byte) (last >> 24), 0, 0, 0, 0, 0x02};
            }
            case 0x0A42:
                reservation = (reservation + 1) & 0xFFFF;
                return new byte[] {0, (byte) reservation, (byte) (reservation >> 8)};
            case 0x0A43:
                return getEntry(d);
            case 0x0A44: {
                if (d.length != SelEntry.SIZE) {
                    return new byte[] {(byte) 0xC7};
                }
                int id = store(d);
                return new byte[] {0, (byte) id, (byte) (id >> 8)};
            }
            default:
                return new byte[] {(byte) 0xC1};
        }
    }

    private byte[] getEntry(byte[] d) {
        if (d.length != 6) {
            return new byte[] {(byte) 0xC7};
        }
        int id = (d[2] & 0xFF) | (d[3] & 0xFF) << 8;
        int offset = d[4] & 0xFF;
        int count = d[5] & 0xFF;
        if (sel.isEmpty()) {
            return new byte[] {(byte) 0xCB};
        }
        int index = -1;
        if (id == 0) {
            index = 0;
        } else if (id == 0xFFFF) {
            index = sel.size() - 1;
        } else {
            for (int i = 0; i < sel.size(); i++) {
                if (sel.get(i).recordId() == id) {
                    index = i;
                }
            }
        }
        if (index < 0) {
            return new byte[] {(byte) 0xCB};
        }
        if (offset >= SelEntry.SIZE) {
            return new byte[] {(byte) 0xC9};
        }
        int next = index + 1 < sel.size() ? sel.get(index + 1).recordId() : 0xFFFF;
        byte[] record = sel.get(index).bytes();
        int n = count == 0xFF ? SelEntry.SIZE - offset : Math.min(count, SelEntry.SIZE - offset);
        return concat(new byte[] {0, (byte) next, (byte) (next >> 8)}, Arrays.copyOfRange(record, offset, offset + n));
    }

    private int store(byte[] record) {
        return store(record, clock.getAsLong());
    }

    /** Store a record: assign its id, stamp it when its type carries a timestamp. */
    private int store(byte[] record, long at) {
        byte[] r = record.clone();
        int id = nextRecordId++;
        r[0] = (byte) id;
        r[1] = (byte) (id >> 8);
        int type = r[2] & 0xFF;
        if (type == SelEntry.TYPE_SYSTEM_EVENT || (type >= 0xC0 && type <= 0xDF)) {
            long t = stamp(at);
            r[3] = (byte) t;
            r[4] = (byte) (t >> 8);
            r[5] = (byte) (t >> 16);
            r[6] = (byte) (t >> 24);
        }
        sel.add(new SelEntry(id, r, Duration.ofNanos(at)));
        return id;
    }

    private long stamp(long nanos) {
        return config.clockStart().toEpochSecond(ZoneOffset.UTC) + nanos / 1_000_000_000L;
    }

    private void expired(BmcWatchdog.Expiry e) {
        WatchdogState s = watchdog.state(e.at());
        String at = String.format(Locale.ROOT, "%.3f s", e.at() / 1e9);
        events.add("at " + at + " (virtual) the BMC watchdog (" + s.useName() + ") expired: " + s.actionName());
        if (e.log()) {
            // a Watchdog 2 sensor event from the BMC itself, offset = the action taken
            byte[] event = new byte[SelEntry.SIZE];
            event[2] = SelEntry.TYPE_SYSTEM_EVENT;
            event[7] = 0x20;
            event[9] = 0x04;
            event[10] = 0x23;
            event[11] = 0x01;
            event[12] = 0x6F;
            event[13] = (byte) (0xC0 | e.action());
            event[14] = (byte) e.use();
            event[15] = (byte) 0xFF;
            store(event, e.at());
        }
        if (e.action() == WatchdogState.ACTION_HARD_RESET) {
            resets.add(Duration.ofNanos(e.at()));
            events.add("at " + at + " (virtual) the BMC hard-reset the machine");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String hex(byte[] b) {
        return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(b);
    }

    /** Return the SEL as stored so far (for tests). */
    public List<SelEntry> sel() {
        return List.copyOf(sel);
    }

    /** Return the watchdog's state now. */
    public WatchdogState watchdog() {
        return watchdog.state(clock.getAsLong());
    }

    /** Return the machine resets the BMC caused so far. */
    public List<Duration> resets() {
        return List.copyOf(resets);
    }
}
