/* gcc -mrecord-mcount -mnop-mcount: a 5-byte NOP that only __mcount_loc names. */
#include <kernel-lite.h>

int cdo_nop(int x)
{
	return x * 51;
}

int cdo_nop_other(int x)
{
	return x * 53;
}
