/* A notrace function that does not change does not stop the patch. */
#include <kernel-lite.h>

notrace noinline int cdo_hot_path(int x)
{
	return x + 1;
}

int cdo_cold_path(int x)
{
	return cdo_hot_path(x) * 2;
}
