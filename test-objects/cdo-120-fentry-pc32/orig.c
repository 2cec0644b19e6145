/* The fentry call with R_X86_64_PC32, as binutils before 2.31 wrote it (5.x toolchains). */
#include <kernel-lite.h>

int cdo_pc32(int x)
{
	return x * 21;
}

int cdo_pc32_other(int x)
{
	return x * 23;
}
