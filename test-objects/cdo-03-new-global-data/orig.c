/* The patch adds an initialised global variable. */
#include <kernel-lite.h>

int cdo_limit_check(int x)
{
	return x < 100;
}
