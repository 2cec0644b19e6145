/* Static branches on a vmlinux key (not exported). */
#include <kernel-lite.h>

DEFINE_STATIC_KEY_FALSE(cdo_fast_key);

int cdo_fast_path(int x)
{
	if (static_branch_unlikely(&cdo_fast_key))
		return x << 1;
	return x + 1;
}

int cdo_slow_path(int x)
{
	if (static_branch_unlikely(&cdo_fast_key))
		return x << 2;
	return x - 1;
}
