/*
 * .altinstructions of an older 5.x kernel: struct alt_instr still ends in
 * u8 padlen, 13 bytes packed.  Three entries: 39 bytes.
 */
#include <kernel-lite.h>

#define ALT_13(oldinstr, newinstr, feature)				\
	asm volatile("661:\n\t" oldinstr "\n662:\n"			\
		     ".skip -(((6651f-6641f)-(662b-661b)) > 0) * "	\
			"((6651f-6641f)-(662b-661b)),0x90\n"		\
		     "663:\n"						\
		     ".pushsection .altinstructions,\"a\"\n"		\
		     " .long 661b - .\n"				\
		     " .long 6641f - .\n"				\
		     " .word " __stringify(feature) "\n"		\
		     " .byte 663b-661b\n"				\
		     " .byte 6651f-6641f\n"				\
		     " .byte 663b-662b\n"				\
		     ".popsection\n"					\
		     ".pushsection .altinstr_replacement, \"ax\"\n"	\
		     "6641:\n\t" newinstr "\n6651:\n"			\
		     ".popsection\n" : : : "memory")

int cdo_alt_two(int x)
{
	ALT_13("", ".byte 0x0f,0x01,0xcb", X86_FEATURE_SMAP);
	x += 5;
	ALT_13("", ".byte 0x0f,0x01,0xca", X86_FEATURE_SMAP);
	return x;
}

int cdo_alt_one(int x)
{
	ALT_13("", "lfence", X86_FEATURE_LFENCE_RDTSC);
	return x * 4;
}
