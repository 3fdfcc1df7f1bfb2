/**
 * Writing results safely: a staging directory next to the target, moved into place only when complete.
 */
package io.handoff.core.files;
