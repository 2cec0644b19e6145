/* The patch adds a static local to an existing function. */
#include <kernel-lite.h>

int cdo_rate(int x)
{
	static int cdo_rate_calls;

	cdo_rate_calls++;
	return x / 3 + (cdo_rate_calls & 1);
}
