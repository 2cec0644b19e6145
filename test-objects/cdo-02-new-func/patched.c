/* The patch adds a helper function and calls it. */
#include <kernel-lite.h>

static noinline int cdo_calc_helper(int x)
{
	return x * 7 + (x >> 3);
}

int cdo_calc(int x)
{
	return cdo_calc_helper(x) + 1;
}
