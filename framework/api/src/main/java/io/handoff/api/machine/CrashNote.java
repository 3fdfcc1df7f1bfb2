package io.handoff.api.machine;

/**
 * A CPU's crash-notes buffer, where the dying kernel writes that CPU's NT_PRSTATUS.
 *
 * @param cpu the CPU number (from {@code /sys/devices/system/cpu/cpuN})
 * @param address physical address ({@code crash_notes}, hexadecimal in sysfs)
 * @param size size in bytes ({@code crash_notes_size}, decimal; 1024 when the file is absent)
 * @since 0.1
 */
public record CrashNote(int cpu, long address, long size) {
}
