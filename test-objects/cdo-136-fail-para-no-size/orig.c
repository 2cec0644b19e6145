/*
 * A .parainstructions that no layout explains: 16-byte entries, but the
 * middle one is 24 bytes long (56 bytes in all, relocations at 0, 16, 40).
 */
#include <kernel-lite.h>

extern void *pv_ops[64];

#define PARA_SITE_PADDED(insn, type, pad)				\
	asm volatile("771:\n\t" insn "\n772:\n"				\
		     ".pushsection .parainstructions,\"a\"\n"		\
		     " .balign 8\n"					\
		     " .quad 771b\n"					\
		     " .byte " __stringify(type) "\n"			\
		     " .byte 772b-771b\n"				\
		     " .short 0\n"					\
		     " .balign 8\n"					\
		     " .if " __stringify(pad) "\n"			\
		     " .skip " __stringify(pad) "\n"			\
		     " .endif\n"					\
		     ".popsection\n" : : : "memory", "rax")

int cdo_para_save(int x)
{
	PARA_SITE_PADDED("call *pv_ops+152(%%rip)", 19, 0);
	x += 3;
	PARA_SITE_PADDED("call *pv_ops+160(%%rip)", 20, 8);
	return x;
}

int cdo_para_flush(int x)
{
	PARA_SITE_PADDED("call *pv_ops+240(%%rip)", 30, 0);
	return x * 5;
}
