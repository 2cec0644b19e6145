/*
 * __func__ objects are renumbered when the patch adds a new user before
 * them; a function whose only difference is that number is not changed.
 */
#include <kernel-lite.h>

void cdo_who(void)
{
	pr_info("%s: here\n", __func__);
}

int cdo_work(int x)
{
	return x * 9;
}
