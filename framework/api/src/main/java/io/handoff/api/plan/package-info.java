/**
 * The planner's side of the SPI: the {@link io.handoff.api.plan.PlanContext} a platform places segments
 * through, and the values a plan is made of.
 *
 * @since 0.1
 */
package io.handoff.api.plan;
