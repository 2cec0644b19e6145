/* A changed function uses a static function and a static variable. */
#include <kernel-lite.h>

static int cdo_state = 3;

static noinline int cdo_local_helper(int x)
{
	return x * cdo_state + 7;
}

void cdo_set_state(int s)
{
	cdo_state = s;
}

int cdo_use_local(int x)
{
	return cdo_local_helper(x) - cdo_state;
}
