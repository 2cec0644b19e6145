/* The parent is a module that defines the key of a changed static branch. */
#include <kernel-lite.h>

DEFINE_STATIC_KEY_FALSE(cdo_mod_key);

int cdo_mod_fast(int x)
{
	if (static_branch_unlikely(&cdo_mod_key))
		return x * 3;
	return x;
}
