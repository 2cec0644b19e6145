/* A __cold function (placed in .text.unlikely.*) changes. */
#include <kernel-lite.h>

noinline __cold void cdo_report_failure(int code)
{
	pr_err("cdo: failure %d\n", code);
}

int cdo_try(int x)
{
	if (x < 0)
		cdo_report_failure(x);
	return x;
}
