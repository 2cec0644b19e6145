/* The patch adds an initialised global variable. */
#include <kernel-lite.h>

int cdo_new_limit = 250;

int cdo_limit_check(int x)
{
	return x < cdo_new_limit;
}
