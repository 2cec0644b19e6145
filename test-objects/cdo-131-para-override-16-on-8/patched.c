/*
 * .parainstructions of a later 6.x kernel: struct paravirt_patch_site is
 * {s32 instr_offset; u8 type; u8 len}, 8 bytes.  Three sites: 24 bytes.
 */
#include <kernel-lite.h>

extern void *pv_ops[64];

#define PARA_SITE_REL(insn, type)					\
	asm volatile("771:\n\t" insn "\n772:\n"				\
		     ".pushsection .parainstructions,\"a\"\n"		\
		     " .balign 4\n"					\
		     " .long 771b - .\n"				\
		     " .byte " __stringify(type) "\n"			\
		     " .byte 772b-771b\n"				\
		     " .balign 4\n"					\
		     ".popsection\n" : : : "memory", "rax")

int cdo_para_save(int x)
{
	PARA_SITE_REL("call *pv_ops+152(%%rip)", 19);
	x += 3;
	PARA_SITE_REL("call *pv_ops+160(%%rip)", 20);
	return x;
}

int cdo_para_flush(int x)
{
	PARA_SITE_REL("call *pv_ops+240(%%rip)", 30);
	return x * 6;
}
