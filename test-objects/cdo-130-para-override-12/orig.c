/*
 * .parainstructions as 6.1 writes it: struct paravirt_patch_site is
 * {u8 *instr; u8 type; u8 len}, 16 bytes (the asm still writes a u16
 * clobbers, then pads to 8).  Three sites: 48 bytes, which 12 divides.
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

int cdo_para_save(int x)
{
	PARA_SITE_6_1("call *pv_ops+152(%%rip)", 19);
	x += 3;
	PARA_SITE_6_1("call *pv_ops+160(%%rip)", 20);
	return x;
}

int cdo_para_flush(int x)
{
	PARA_SITE_6_1("call *pv_ops+240(%%rip)", 30);
	return x * 5;
}
