/* WARN(cond, fmt) = __warn_printk(fmt) + __bug_table: only lines move. */
#include <kernel-lite.h>

int cdo_warn_fmt(int x)
{
	WARN(x > 9, "cdo: x is %d\n", x);
	return x;
}
