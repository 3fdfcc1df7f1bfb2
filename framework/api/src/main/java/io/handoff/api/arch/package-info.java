/**
 * What a platform adds to the purgatory's vocabulary and to the reference machine: its architecture step kinds
 * ({@link io.handoff.api.arch.StepKindDeclaration}, in a code range of its own) and how its architecture
 * operations behave on the simulated machine ({@link io.handoff.api.arch.ArchitectureSimulator}).
 *
 * <p>The framework owns the generic kinds (console, print, verify-digests, copy, swap, rtc, the IPMI kinds,
 * halt, reset, codes 1 to 15, 17 and 18); every other kind is declared here by a plugin and implemented by its
 * purgatory sources, which the runtime hands the kinds it does not own ({@code hal_arch_step}).
 *
 * @since 0.2
 */
package io.handoff.api.arch;
