/* A new function that uses unchanged parent code, exports and data. */
#include <kernel-lite.h>

int cdo_gate = 1;

static noinline int cdo_base(int x)
{
	return x - cdo_gate;
}

int cdo_front(int x)
{
	return cdo_base(x);
}

int cdo_front_v2(int x)
{
	if (cdo_gate)
		msleep(1);
	return cdo_base(x) * 2;
}
