/* objtool --mcount --mnop: the call became a NOP, its relocation R_X86_64_NONE. */
#include <kernel-lite.h>

int cdo_objmc(int x)
{
	return x * 62;
}

int cdo_objmc_other(int x)
{
	return x * 63;
}
