/*
 * __jump_table with the absolute entries of older kernels: {u64 code; u64
 * target; u64 key}, 24 bytes.  Two sites: 48 bytes, which 16 divides too,
 * with a relocation every 8 bytes: only the override tells the layouts apart.
 */
#include <kernel-lite.h>

DEFINE_STATIC_KEY_FALSE(cdo_abs_key);

static __always_inline bool abs_static_branch(struct static_key * const key,
					      const bool branch)
{
	asm_volatile_goto("1:"
		".byte 0x0f,0x1f,0x44,0x00,0x00\n\t"
		".pushsection __jump_table, \"aw\"\n\t"
		_ASM_ALIGN "\n\t"
		_ASM_PTR "1b, %l[l_yes], %c0 + %c1\n\t"
		".popsection\n\t"
		: : "i" (key), "i" (branch) : : l_yes);
	return false;
l_yes:
	return true;
}

int cdo_abs_fast(int x)
{
	if (abs_static_branch(&cdo_abs_key.key, false))
		return x << 1;
	return x + 2;
}

int cdo_abs_slow(int x)
{
	if (abs_static_branch(&cdo_abs_key.key, false))
		return x << 2;
	return x - 3;
}
