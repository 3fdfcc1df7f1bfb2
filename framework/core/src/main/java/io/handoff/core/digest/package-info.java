/**
 * The segment digests purgatory verifies before the jump (SHA-256 per chunk, zero tails by comparison),
 * and a Java model of that verification.
 */
package io.handoff.core.digest;
