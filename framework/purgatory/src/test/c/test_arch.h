/*
 * The architecture of the runtime's own C tests: one step kind, 16, that enters a "kernel" with 17 register
 * operands (the last is the entry) through the host's arch callback, as a platform plugin's jump does. It
 * exercises the runtime's hand-over of kinds it does not own (hal.h) without any real architecture.
 */
#ifndef PURGATORY_TEST_ARCH_H
#define PURGATORY_TEST_ARCH_H

#define TEST_ARCH_K_JUMP  16
#define TEST_ARCH_OP_JUMP 1

#endif
