/* A new function of the patch branches on a key defined in the module. */
#include <kernel-lite.h>

DEFINE_STATIC_KEY_TRUE(cdo_feature_key);

int cdo_feature(int x)
{
	return x;
}
