/* __init code changes: it already ran, patching it means nothing. */
#include <kernel-lite.h>

int cdo_boot_flag;

int __init cdo_setup(void)
{
	cdo_boot_flag = 1;
	return 0;
}

int cdo_query(void)
{
	return cdo_boot_flag;
}
