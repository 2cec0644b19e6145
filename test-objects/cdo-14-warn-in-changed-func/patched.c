/*
 * A function with a WARN_ON changes (one more line of code); the WARN_ON
 * of the function below it moves down by one line and nothing else.
 */
#include <kernel-lite.h>

int cdo_store(int *slot, int v)
{
	WARN_ON(!slot);
	if (v < 0)
		return -EINVAL;
	*slot = v;
	return 0;
}

int cdo_load(const int *slot)
{
	WARN_ON(!slot);
	return *slot;
}
