/* BUG_ON in a changed function: a __bug_table entry with flags 0. */
#include <kernel-lite.h>

int cdo_must(int *p)
{
	BUG_ON(!p);
	return *p + 1;
}
