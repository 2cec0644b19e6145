/* The older printk_once spelling, "static bool __print_once": special. */
#include <kernel-lite.h>

int cdo_legacy(int x)
{
	if (x > 3)
		printk_once_legacy(KERN_INFO "cdo: big %d\n", x);
	return x - 3;
}
