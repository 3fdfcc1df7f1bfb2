/**
 * The framework core: machine profiles, planner, ELF core headers, digests, bundles and plugin wiring.
 */
package io.handoff.core;
