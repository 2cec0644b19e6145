/* The patch adds a helper function and calls it. */
#include <kernel-lite.h>

int cdo_calc(int x)
{
	return x + 1;
}
