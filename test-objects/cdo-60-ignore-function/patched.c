/* KPATCH_IGNORE_FUNCTION: a function that changes only as a side effect. */
#include <kernel-lite.h>
#include "kpatch-macros.h"

int cdo_real(int x)
{
	return x + 2;
}

int cdo_side(int x)
{
	return x * 3 + 0 * x + (x >> 31);
}
KPATCH_IGNORE_FUNCTION(cdo_side);
