/*
 * .altinstructions as 6.1 writes it (12-byte struct alt_instr), seven
 * entries: 84 bytes, which 14 (the 6.3+ layout) divides.
 */
#include <kernel-lite.h>

int cdo_alt_six(int x)
{
	stac();
	x += 1;
	clac();
	barrier_nospec();
	x ^= 0x55;
	stac();
	x -= 2;
	clac();
	barrier_nospec();
	return x;
}

int cdo_alt_one(int x)
{
	barrier_nospec();
	return x * 3;
}
