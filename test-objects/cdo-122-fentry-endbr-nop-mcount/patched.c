/* IBT and gcc -mnop-mcount: endbr64, then a 5-byte NOP that __mcount_loc names. */
#include <kernel-lite.h>

int cdo_ibt_nop(int x)
{
	return x * 42;
}

int cdo_ibt_nop_other(int x)
{
	return x * 43;
}
