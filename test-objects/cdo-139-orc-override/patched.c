/*
 * ORC tables as objtool writes them: .orc_unwind_ip (s32 per entry) and
 * the parallel .orc_unwind (struct orc_entry, 6 bytes packed), two entries
 * per function.
 */
#include <kernel-lite.h>

/* One ORC entry {s16 sp_offset; s16 bp_offset; u16 type/flags} for here. */
#define ORC_HERE(sp, flags)						\
	asm volatile("1:\n"						\
		     ".pushsection .orc_unwind_ip,\"a\"\n"		\
		     " .balign 4\n"					\
		     " .long 1b - .\n"					\
		     ".popsection\n"					\
		     ".pushsection .orc_unwind,\"a\"\n"			\
		     " .short " __stringify(sp) ", 0, " __stringify(flags) "\n" \
		     ".popsection\n")

int cdo_orc_kept(int x)
{
	ORC_HERE(8, 0x15);
	x *= 3;
	ORC_HERE(16, 0x15);
	return x;
}

int cdo_orc_changed(int x)
{
	ORC_HERE(8, 0x15);
	x += 6;
	ORC_HERE(16, 0x15);
	return x;
}
