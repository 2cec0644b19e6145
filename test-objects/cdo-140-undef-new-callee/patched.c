/* A changed function calls a function that neither vmlinux nor
 * Module.symvers knows: another object of the same patch defines it (a new
 * global function in a.c called from b.c).  The call stays a plain
 * relocation to an undefined symbol, left for the module link. */
#include <kernel-lite.h>

int cdo_patch_helper(int x);	/* new in another file of the patch */

int cdo_show(int x)
{
	return cdo_patch_helper(x) + 1;
}
