/*
 * A constant argument of _printk changes (same lines): a real change,
 * although it is a "mov $imm32,%esi" before a call to _printk, like the
 * __LINE__ arguments that are ignored.
 */
#include <kernel-lite.h>

void cdo_level(void)
{
	pr_info("cdo: level %d\n", 43);
}
