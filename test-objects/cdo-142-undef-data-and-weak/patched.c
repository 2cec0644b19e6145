/* A changed function reads a variable and calls a weak function that
 * neither vmlinux nor Module.symvers knows: both stay undefined for the
 * module link; the weak one stays weak (0 if nothing defines it). */
#include <kernel-lite.h>

extern int cdo_patch_counter;			/* new in another file of the patch */
extern int cdo_maybe_hook(int x) __attribute__((weak));

int cdo_read(int x)
{
	if (cdo_maybe_hook)
		x = cdo_maybe_hook(x);
	return x + cdo_patch_counter;
}
