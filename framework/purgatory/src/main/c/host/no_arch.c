/*
 * The architecture hooks of the framework's own host library, which knows no architecture: every kind that
 * is not the runtime's is unknown and fails by its flags. Platform plugins link their own steps instead.
 */
#include "../hal.h"

int hal_arch_operands_fit(uint16_t kind, const uint8_t *s, uint32_t len)
{
    (void)kind;
    (void)s;
    (void)len;
    return PG_ARCH_UNKNOWN;
}

int hal_arch_step(struct pg_ctx *c, uint16_t kind, const uint8_t *s, struct fail *f)
{
    (void)c;
    (void)kind;
    (void)s;
    (void)f;
    return PG_ARCH_UNKNOWN;
}

const char *hal_arch_step_name(uint16_t kind)
{
    (void)kind;
    return 0;
}
