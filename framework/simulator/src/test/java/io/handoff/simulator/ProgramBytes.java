package io.handoff.simulator;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes version-1 parameter areas and purgatory images by hand (FORMAT.md §1-3), little-endian, for tests.
 */
public final class ProgramBytes {
    private final List<byte[]> main = new ArrayList<>();
    private final List<byte[]> fallback = new ArrayList<>();
    private long budgetUs = 5_000_000;
    private long iterationCap = 1_000_000;

    public static ProgramBytes program() {
        return new ProgramBytes();
    }

    public ProgramBytes budget(long us) {
        budgetUs = us;
        return this;
    }

    public ProgramBytes iterationCap(long cap) {
        iterationCap = cap;
        return this;
    }

    /** Add a REQUIRED verify-digests step over in-memory segments (FORMAT.md §3, kind 3). */
    public ProgramBytes verifyDigests(int chunkSize, long mem, byte[] data, long memsz) {
        return verifyDigests(chunkSize, new io.handoff.api.plan.Segment("kernel",
                new io.handoff.api.plan.SegmentData.Bytes(data), mem, memsz));
    }

    public ProgramBytes verifyDigests(int chunkSize, io.handoff.api.plan.Segment... segments) {
        java.io.ByteArrayOutputStream ops = new java.io.ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(chunkSize).putLong(segments.length);
        ops.writeBytes(head.array());
        for (io.handoff.api.plan.Segment s : segments) {
            byte[] data = ((io.handoff.api.plan.SegmentData.Bytes) s.data()).data();
            int chunks = (data.length + chunkSize - 1) / chunkSize;
            ops.writeBytes(ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN).putLong(s.mem()).putLong(data.length)
                    .putLong(s.memsz()).putLong(chunks).array());
            for (int c = 0; c < chunks; c++) {
                try {
                    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
                    md.update(data, c * chunkSize, Math.min(chunkSize, data.length - c * chunkSize));
                    ops.writeBytes(md.digest());
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        main.add(record(3, true, 1_000_000, new long[0], ops.toByteArray()));
        return this;
    }

    public ProgramBytes step(int kind, boolean required, long worstUs, long... operands) {
        main.add(record(kind, required, worstUs, operands, new byte[0]));
        return this;
    }

    public ProgramBytes fallbackStep(int kind, long worstUs, long... operands) {
        fallback.add(record(kind, false, worstUs, operands, new byte[0]));
        return this;
    }

    public ProgramBytes console() {
        return step(1, false, 10_000, 0x3F8, 1);
    }

    public ProgramBytes fallbackHalt(long reason) {
        return fallbackStep(17, 1, reason);
    }

    public ProgramBytes print(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        main.add(record(2, false, 10_000, new long[] {b.length}, b));
        return this;
    }

    public ProgramBytes jump(long rip, long rsi) {
        long[] regs = new long[17];
        regs[4] = rsi;
        regs[16] = rip;
        regs[0] = 0xAAAA;
        return step(16, true, 1, regs);
    }

    public byte[] area() {
        ByteArrayOutputStream steps = new ByteArrayOutputStream();
        main.forEach(steps::writeBytes);
        int fallbackOffset = 0x30 + steps.size();
        fallback.forEach(steps::writeBytes);
        int total = 0x30 + steps.size();
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(PurgatoryProgram.MAGIC).putShort((short) 1).putShort((short) main.size()).putInt(0x30)
                .putInt(fallback.size()).putInt(fallbackOffset).putInt(total).putLong(budgetUs).putLong(iterationCap)
                .putLong(0);
        b.put(steps.toByteArray());
        return b.array();
    }

    /** Return a purgatory image: the 64-byte header, a fake entry, and the area at 0x100 in a 0x1000 area. */
    public byte[] image() {
        byte[] area = area();
        ByteBuffer b = ByteBuffer.allocate(0x100 + 0x1000).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(PurgatoryProgram.IMAGE_MAGIC).putShort((short) 1).putShort((short) 64).putInt(0x40).putInt(0x100)
                .putInt(0x1000).putInt(0).putInt(0x1100).putInt(0);
        b.position(0x100);
        b.put(area);
        return b.array();
    }

    private static byte[] record(int kind, boolean required, long worstUs, long[] operands, byte[] text) {
        int length = 16 + operands.length * 8 + (text.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) kind).putShort((short) (required ? 1 : 0)).putInt(length).putLong(worstUs);
        for (long o : operands) {
            b.putLong(o);
        }
        b.put(text);
        return b.array();
    }
}
