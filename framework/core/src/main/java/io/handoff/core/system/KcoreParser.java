package io.handoff.core.system;

import io.handoff.api.machine.KcoreLoad;
import io.handoff.api.machine.SystemView;
import io.handoff.core.elf.Elf64;
import io.handoff.core.elf.ProgramHeader;
import java.util.List;

/**
 * Reads the PT_LOAD program headers of {@code /proc/kcore} from its first 64 KiB, as kexec-tools does.
 *
 * <p>Only the headers are read: the file is as large as the kernel's address space. A kernel with so
 * many memory ranges that its program headers do not fit in 64 KiB is refused, as by kexec-tools.
 */
public final class KcoreParser {
    private KcoreParser() {
    }

    /** Read the first {@value MachinePaths#KCORE_HEADERS_SIZE} bytes of {@link MachinePaths#KCORE} and parse them. */
    public static List<KcoreLoad> read(SystemView view) {
        return parse(view.readBytes(MachinePaths.KCORE, MachinePaths.KCORE_HEADERS_SIZE), MachinePaths.KCORE);
    }

    /**
     * Parse the ELF header and program headers at the start of a kcore image.
     *
     * @param bytes the start of the file (the ELF header and every program header)
     * @param machinePath the path named in error messages
     * @return the PT_LOAD headers in file order
     * @throws io.handoff.api.HandoffException {@code MALFORMED_PROFILE} naming the offset of the problem
     */
    public static List<KcoreLoad> parse(byte[] bytes, String machinePath) {
        Elf64.Result result = Elf64.parse(bytes);
        Elf64 elf = result.elf().orElseThrow(() -> Numbers.malformed(machinePath, result.problem()));
        if (elf.type() != Elf64.ET_CORE) {
            throw Numbers.malformed(machinePath, "offset 16: e_type " + elf.type() + ", expected ET_CORE (4)");
        }
        return elf.programHeaders().stream()
                .filter(ph -> ph.type() == ProgramHeader.PT_LOAD)
                .map(ph -> new KcoreLoad(ph.vaddr(), ph.paddr(), ph.memsz()))
                .toList();
    }
}
