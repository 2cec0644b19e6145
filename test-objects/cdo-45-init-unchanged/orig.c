/* An __init function that does not change does not stop the patch. */
#include <kernel-lite.h>

int cdo_boot_value;

int __init cdo_boot_setup(void)
{
	cdo_boot_value = 5;
	return 0;
}

int cdo_boot_query(void)
{
	return cdo_boot_value;
}
