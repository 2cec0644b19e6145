/* A new function of the patch branches on a key defined in the module. */
#include <kernel-lite.h>

DEFINE_STATIC_KEY_TRUE(cdo_feature_key);

static noinline int cdo_feature_new(int x)
{
	if (static_branch_likely(&cdo_feature_key))
		return x + 1;
	return x;
}

int cdo_feature(int x)
{
	return cdo_feature_new(x);
}
