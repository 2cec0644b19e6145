/* An initialised file-scope static changes its initial value. */
#include <kernel-lite.h>

static int cdo_mode = 2;

int cdo_get_mode(void)
{
	return cdo_mode;
}

void cdo_set_mode(int m)
{
	cdo_mode = m;
}
