/* A static local's initial value changes. */
#include <kernel-lite.h>

int cdo_take_budget(void)
{
	static int budget = 6;

	return budget > 0 ? budget-- : 0;
}
