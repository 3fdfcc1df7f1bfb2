/**
 * The machine as the planner reads it: a {@link io.handoff.api.machine.SystemView} of files and the parsed
 * {@link io.handoff.api.machine.Machine} facts (/proc/iomem, firmware memmap, crash notes, kcore, kallsyms).
 *
 * @since 0.1
 */
package io.handoff.api.machine;
