/* A changed function uses a global variable and calls a global function
 * of vmlinux that are not exported: livepatch relocations. */
#include <kernel-lite.h>

int cdo_limit = 64;

noinline int cdo_backend(int x)
{
	return x * cdo_limit;
}

int cdo_frontend(int x)
{
	if (x >= cdo_limit)
		return -EINVAL;
	return cdo_backend(x);
}
