/* A notrace function that starts with a 5-byte NOP of its own (a static
 * branch), in an object whose fentry sites are NOPs too (gcc -mnop-mcount):
 * only an __mcount_loc entry would make the NOP an fentry site. */
#include <kernel-lite.h>

DEFINE_STATIC_KEY_FALSE(cdo_nop_key);

notrace int cdo_nop_fast(int x)
{
	if (static_branch_unlikely(&cdo_nop_key))
		return x << 1;
	return x + 92;
}

int cdo_nop_traced(int x)
{
	return x + 93;
}
