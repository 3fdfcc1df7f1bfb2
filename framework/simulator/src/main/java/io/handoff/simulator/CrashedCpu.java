package io.handoff.simulator;

import io.handoff.api.machine.Machine;
import io.handoff.api.machine.PrstatusLayout;
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
 * {@code CORE}, type 1, whose descriptor is laid out as the platform declares ({@link PrstatusLayout}: its size,
 * the pid, the instruction pointer), then the empty note that closes Linux's buffers.
 *
 * @param cpu the CPU number
 * @param notesAddress the physical address of its crash_notes buffer
 * @param notesSize the buffer's size
 * @param ip the instruction pointer saved in its note
 * @param layout the platform's NT_PRSTATUS layout
 * @param order the platform's byte order
 * @since 0.1
 */
public record CrashedCpu(int cpu, long notesAddress, long notesSize, long ip, PrstatusLayout layout,
                         ByteOrder order) {
    /** Where the simulator puts each CPU's instruction pointer: this far into the kernel text, plus 0x10 per CPU. */
    public static final long TEXT_OFFSET = 0x1234;
    /** The kernel text base when the machine's symbols do not say (the traditional 64-bit one of Linux). */
    public static final long DEFAULT_STEXT = 0xffffffff81000000L;

    /** Check. */
    public CrashedCpu {
        if (cpu < 0 || notesSize < 0) {
            throw new IllegalArgumentException("bad crashed CPU " + cpu + " with notes of " + notesSize + " bytes");
        }
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(order, "order");
    }

    /**
     * Return the machine's CPUs with instruction pointers in its kernel text: {@code _stext + 0x1234 + cpu × 0x10}
     * ({@code _stext} from {@code /proc/kallsyms}, else {@code _text}, else {@value #DEFAULT_STEXT}).
     *
     * @param machine the machine whose crash notes are used
     * @param layout the platform's NT_PRSTATUS layout
     * @param order the platform's byte order
     * @return one per crash_notes buffer, by CPU number
     */
    public static List<CrashedCpu> inKernelText(Machine machine, PrstatusLayout layout, ByteOrder order) {
        Objects.requireNonNull(machine, "machine");
        Long stext = machine.kernelSymbols().get("_stext");
        if (stext == null) {
            stext = machine.kernelSymbols().getOrDefault("_text", DEFAULT_STEXT);
        }
        long base = stext;
        return machine.crashNotes().stream().map(n -> new CrashedCpu(n.cpu(), n.address(), n.size(), base + TEXT_OFFSET + 0x10L * n.cpu(), layout, order))
                .toList();
    }

    /** Return the buffer's bytes as the dying kernel leaves them, cut to {@link #notesSize()}. */
    public byte[] note() {
        int descsz = (layout.descriptorSize() + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + descsz + 12).order(order);
        b.putInt(5).putInt(layout.descriptorSize()).putInt(1).put(new byte[] {'C', 'O', 'R', 'E', 0, 0, 0, 0});
        int desc = b.position();
        b.putInt(desc + layout.pidOffset(), cpu + 1);
        b.putLong(desc + layout.instructionPointerOffset(), ip);
        // the closing empty note stays zero
        byte[] all = b.array();
        return Arrays.copyOf(all, (int) Math.min(all.length, notesSize));
    }
}
