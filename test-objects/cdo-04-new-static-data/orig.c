/* The patch adds a file-scope static counter (.bss). */
#include <kernel-lite.h>

int cdo_event(int x)
{
	return x ^ 0x5a;
}
