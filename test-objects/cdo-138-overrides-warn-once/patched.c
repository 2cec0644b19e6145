/*
 * One object with 6.1's .parainstructions (16), __jump_table (16),
 * .altinstructions (12) and __ex_table (12), several entries each, diffed
 * with the overrides of a pipeline set up for other kernels.
 */
#include <kernel-lite.h>

extern void *pv_ops[64];

#define PARA_SITE_6_1(insn, type)					\
	asm volatile("771:\n\t" insn "\n772:\n"				\
		     ".pushsection .parainstructions,\"a\"\n"		\
		     " .balign 8\n"					\
		     " .quad 771b\n"					\
		     " .byte " __stringify(type) "\n"			\
		     " .byte 772b-771b\n"				\
		     " .short 0\n"					\
		     " .balign 8\n"					\
		     ".popsection\n" : : : "memory", "rax")

DEFINE_STATIC_KEY_FALSE(cdo_many_key);

int cdo_many_two(int x, const u32 *uptr)
{
	u32 v;

	PARA_SITE_6_1("call *pv_ops+152(%%rip)", 19);
	if (static_branch_unlikely(&cdo_many_key))
		x <<= 1;
	stac();
	get_user_u32(v, uptr, fault);
	clac();
	PARA_SITE_6_1("call *pv_ops+160(%%rip)", 20);
	if (static_branch_likely(&cdo_many_key))
		x += 7;
	get_user_u32(v, uptr + 1, fault);
	barrier_nospec();
	return x + (int)v;
fault:
	return -EFAULT;
}

int cdo_many_one(int x, const u32 *uptr)
{
	u32 v;

	PARA_SITE_6_1("call *pv_ops+240(%%rip)", 30);
	if (static_branch_unlikely(&cdo_many_key))
		return x << 2;
	barrier_nospec();
	get_user_u32(v, uptr, fault);
	return x - 2 * (int)v;
fault:
	return -EFAULT;
}
