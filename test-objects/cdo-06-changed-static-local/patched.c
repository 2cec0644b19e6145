/* A function with a static local changes; the local keeps its state. */
#include <kernel-lite.h>

int cdo_count_calls(void)
{
	static int calls;

	calls += 2;
	return calls;
}
