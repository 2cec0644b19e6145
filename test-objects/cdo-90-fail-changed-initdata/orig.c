/* __initdata changes: boot-time data that is long gone. */
#include <kernel-lite.h>

static int cdo_boot_params[4] __initdata = { 1, 2, 3, 4 };

int __init cdo_boot_sum(void)
{
	return cdo_boot_params[0] + cdo_boot_params[3];
}
