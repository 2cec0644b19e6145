/*
 * The relative __jump_table of cdo-132, in an object with DWARF: the
 * parent's struct jump_entry (16 bytes) is where the size comes from.
 */
#include <kernel-lite.h>

struct jump_entry {
	s32 code;	/* the nop or jmp, relative */
	s32 target;	/* the branch target, relative */
	long key;	/* the key, relative; low bit: branch */
};

/* Makes gcc describe struct jump_entry in DWARF. */
const struct jump_entry *cdo_jl_dwarf_anchor;

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
	return x - 2;
}
