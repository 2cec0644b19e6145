/* KPATCH_IGNORE_FUNCTION: a function that changes only as a side effect. */
#include <kernel-lite.h>
#include "kpatch-macros.h"

int cdo_real(int x)
{
	return x + 1;
}

int cdo_side(int x)
{
	return x * 3;
}
