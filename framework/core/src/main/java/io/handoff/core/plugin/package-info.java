/**
 * Loading of platform plugins with PF4J and their wiring with Guice: one child injector per plugin,
 * id rules, per-plugin settings and contributions, and the problems of plugins that were refused.
 *
 * @since 0.1
 */
package io.handoff.core.plugin;
