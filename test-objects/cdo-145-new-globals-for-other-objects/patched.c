/* The a.c side of a two-file patch: a new global function and a new global
 * variable that nothing here uses, for another object of the patch (b.c,
 * cdo-140, cdo-142) to call and read.  Both are included so that the
 * module link resolves b.c's undefined references to them. */
#include <kernel-lite.h>

int cdo_existing(int x)
{
	return x;
}

int cdo_patch_counter = 3;

int cdo_patch_helper(int x)
{
	return x * 3;
}
