/*
 * __jump_table with 5.x/6.x's relative entries {s32 code; s32 target;
 * long key}, 16 bytes.  Three sites: 48 bytes, which 24 (the absolute
 * layout of older kernels) divides.
 */
#include <kernel-lite.h>

DEFINE_STATIC_KEY_FALSE(cdo_jl_key);

int cdo_jl_two(int x)
{
	if (static_branch_unlikely(&cdo_jl_key))
		x <<= 1;
	if (static_branch_likely(&cdo_jl_key))
		x += 7;
	return x;
}

int cdo_jl_one(int x)
{
	if (static_branch_unlikely(&cdo_jl_key))
		return x << 2;
	return x - 1;
}
