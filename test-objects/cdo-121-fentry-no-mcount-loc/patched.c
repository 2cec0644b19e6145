/* The fentry call (R_X86_64_PLT32) without gcc's __mcount_loc (recordmcount's kernels). */
#include <kernel-lite.h>

int cdo_nomc(int x)
{
	return x * 32;
}

int cdo_nomc_other(int x)
{
	return x * 33;
}
