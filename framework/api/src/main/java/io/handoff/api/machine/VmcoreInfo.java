package io.handoff.api.machine;

/**
 * Where the running kernel keeps its VMCOREINFO note ({@code /sys/kernel/vmcoreinfo}: two hex numbers).
 *
 * @param address physical address of the note
 * @param size size in bytes of the note
 * @since 0.1
 */
public record VmcoreInfo(long address, long size) {
}
