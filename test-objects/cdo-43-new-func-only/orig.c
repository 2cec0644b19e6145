/* The patch only adds a global function that nothing calls yet. */
#include <kernel-lite.h>

int cdo_existing(int x)
{
	return x;
}
