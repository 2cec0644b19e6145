/* The a.c side of a two-file patch that only adds a global variable (b.c
 * reads it): a change of its own, not "no functional change".  A new
 * static variable that nothing uses stays out. */
#include <kernel-lite.h>

int cdo_existing(int x)
{
	return x;
}
