/**
 * The running machine as the planner reads it: a directory-rooted {@link io.handoff.api.machine.SystemView},
 * parsers for the machine-profile files, the memoizing {@link io.handoff.core.system.ProfileMachine},
 * kexec-tools' x86_64 layout derivations and {@code handoff capture}.
 */
package io.handoff.core.system;
