/**
 * Physical memory maps and segment placement with kexec-tools' rules: range arithmetic, hole search and
 * the checks a segment list must pass before {@code kexec_load}.
 */
package io.handoff.core.memory;
