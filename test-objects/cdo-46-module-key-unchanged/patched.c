/* A module's static key used only by an unchanged function is no obstacle. */
#include <kernel-lite.h>

DEFINE_STATIC_KEY_FALSE(cdo_mod_key);

int cdo_keyed(int x)
{
	if (static_branch_unlikely(&cdo_mod_key))
		return -x;
	return x;
}

int cdo_unkeyed(int x)
{
	return x * 6;
}
