package io.handoff.api.plan;

import io.handoff.api.machine.CrashNote;
import io.handoff.api.machine.KernelText;
import io.handoff.api.machine.MemoryRange;
import io.handoff.api.machine.VmcoreInfo;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The contents of an ELF64 core header ({@code elfcorehdr}) for a capture kernel.
 *
 * <p>Program headers come in kexec-tools' order: a PT_NOTE per CPU, the VMCOREINFO PT_NOTE, the kernel
 * text PT_LOAD, then a PT_LOAD per RAM range in address order.
 *
 * @param machine ELF {@code e_machine} (62 x86_64, 22 s390, 50 ia64)
 * @param byteOrder the target's byte order
 * @param notes one per CPU
 * @param vmcoreInfo the VMCOREINFO note, if any
 * @param kernelText the kernel-text mapping, if known
 * @param ram the RAM ranges to dump, sorted
 * @param pageOffset virtual address of physical 0 in the direct map ({@code p_vaddr = pageOffset + paddr})
 * @param backup a redirect: the range whose contents were copied elsewhere before the jump
 * @param align the buffer size is rounded up to this (1024 for kexec-tools)
 * @since 0.1
 */
public record ElfCoreRequest(int machine, ByteOrder byteOrder, List<CrashNote> notes, Optional<VmcoreInfo> vmcoreInfo,
                             Optional<KernelText> kernelText, List<MemoryRange> ram, long pageOffset,
                             Optional<BackupRedirect> backup, int align) {
    public ElfCoreRequest {
        Objects.requireNonNull(byteOrder, "byteOrder");
        notes = List.copyOf(notes);
        ram = List.copyOf(ram);
        Objects.requireNonNull(vmcoreInfo, "vmcoreInfo");
        Objects.requireNonNull(kernelText, "kernelText");
        Objects.requireNonNull(backup, "backup");
    }

    /**
     * A range of old memory whose contents purgatory copies before the jump: its PT_LOAD reads from the copy.
     *
     * @param sourceStart first byte of the original range
     * @param copyAddress physical address of the copy
     */
    public record BackupRedirect(long sourceStart, long copyAddress) {
    }
}
