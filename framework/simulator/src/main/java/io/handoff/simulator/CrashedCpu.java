package io.handoff.simulator;

import io.handoff.api.machine.CrashNote;
import io.handoff.api.machine.Machine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A CPU of the simulated machine at the crash: where its {@code crash_notes} buffer is and the instruction
 * pointer the dying kernel saves there.
 *
 * <p>A machine profile gives only the buffers' addresses ({@code /sys/devices/system/cpu/cpuN/crash_notes});
 * the buffers are filled at the crash, when each CPU stops and {@code crash_save_cpu} writes an NT_PRSTATUS
 * note with its registers. The reference machine does the same with {@link #note()}: one note named
 * {@code CORE}, type 1, a 336-byte x86_64 {@code elf_prstatus} (pid at 0x20, {@code pr_reg} at 0x70, rip the
 * 17th register at 0xF0), then the empty note that closes Linux's buffers.
 *
 * @param cpu the CPU number
 * @param notesAddress the physical address of its crash_notes buffer
 * @param notesSize the buffer's size
 * @param rip the instruction pointer saved in its note
 * @since 0.1
 */
public record CrashedCpu(int cpu, long notesAddress, long notesSize, long rip) {
    /** The size of x86_64's {@code struct elf_prstatus}. */
    public static final int PRSTATUS_SIZE = 336;
    /** The offset of {@code rip} in it. */
    public static final int RIP_OFFSET = 0xF0;
    /** The offset of {@code pr_pid} in it. */
    public static final int PID_OFFSET = 0x20;
    /** Where the simulator puts each CPU's rip: this far into the kernel text, plus 0x10 per CPU number. */
    public static final long TEXT_OFFSET = 0x1234;
    /** The kernel text base when the machine's symbols do not say (x86_64's traditional one). */
    public static final long DEFAULT_STEXT = 0xffffffff81000000L;

    /** Check. */
    public CrashedCpu {
        if (cpu < 0 || notesSize < 0) {
            throw new IllegalArgumentException("bad crashed CPU " + cpu + " with notes of " + notesSize + " bytes");
        }
    }

    /**
     * Return the machine's CPUs with instruction pointers in its kernel text: {@code _stext + 0x1234 + cpu × 0x10}
     * ({@code _stext} from {@code /proc/kallsyms}, else {@code _text}, else {@value #DEFAULT_STEXT}).
     *
     * @param machine the machine whose crash notes are used
     * @return one per crash_notes buffer, by CPU number
     */
    public static List<CrashedCpu> inKernelText(Machine machine) {
        Objects.requireNonNull(machine, "machine");
        Long stext = machine.kernelSymbols().get("_stext");
        if (stext == null) {
            stext = machine.kernelSymbols().getOrDefault("_text", DEFAULT_STEXT);
        }
        long base = stext;
        return machine.crashNotes().stream().map(n -> of(n, base + TEXT_OFFSET + 0x10L * n.cpu())).toList();
    }

    /** Return a crashed CPU for a crash note and a rip. */
    public static CrashedCpu of(CrashNote note, long rip) {
        return new CrashedCpu(note.cpu(), note.address(), note.size(), rip);
    }

    /** Return the buffer's bytes as the dying kernel leaves them, cut to {@link #notesSize()}. */
    public byte[] note() {
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + PRSTATUS_SIZE + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(5).putInt(PRSTATUS_SIZE).putInt(1).put(new byte[] {'C', 'O', 'R', 'E', 0, 0, 0, 0});
        int desc = b.position();
        b.putInt(desc + PID_OFFSET, cpu + 1);
        b.putLong(desc + RIP_OFFSET, rip);
        // the closing empty note stays zero
        byte[] all = b.array();
        return Arrays.copyOf(all, (int) Math.min(all.length, notesSize));
    }
}
