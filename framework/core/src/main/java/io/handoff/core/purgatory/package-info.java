/**
 * The Java side of purgatory: reading a platform's purgatory image, encoding the step program into its
 * parameter area, and linking it into a plan, exactly per {@code framework/purgatory/FORMAT.md}.
 *
 * <p>Order of a plan with purgatory (kexec-tools' model): the platform places purgatory among its segments
 * with the parameter area empty; the planner validates the layout, checks the program's worst case against
 * {@code handoff.purgatory.budget}, hashes every other segment, encodes the program (those digests
 * included) into the placed purgatory segment's bytes, hashes that segment last, and enters the image at
 * {@code base + entry_offset}.
 *
 * @since 0.1
 */
package io.handoff.core.purgatory;
