/* Two changed functions and a new one: one __mcount_loc entry each. */
#include <kernel-lite.h>

int cdo_m1(int x)
{
	return x + 11;
}

int cdo_m2(int x)
{
	return x + 22;
}

int cdo_m3(int x)
{
	return x + 33;
}
