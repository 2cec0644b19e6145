/* The patch adds a static local to an existing function. */
#include <kernel-lite.h>

int cdo_rate(int x)
{
	return x / 3;
}
