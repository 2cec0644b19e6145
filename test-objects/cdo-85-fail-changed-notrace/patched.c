/* A notrace function changes: no fentry call, ftrace cannot redirect it. */
#include <kernel-lite.h>

notrace int cdo_fast(int x)
{
	return x + 2;
}
