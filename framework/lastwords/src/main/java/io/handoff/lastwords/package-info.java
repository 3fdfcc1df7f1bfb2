/**
 * The shared "last words" module: IPMI messages sent over KCS from purgatory (panic event, SEL text,
 * CPU instruction pointers, BMC watchdog), its options, and the purgatory steps it adds to every
 * platform with port I/O.
 *
 * <p>Depends on {@code framework-api} only; it plugs into the framework through {@link
 * io.handoff.lastwords.LastWordsModule}.
 */
package io.handoff.lastwords;
