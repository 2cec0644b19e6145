/*
 * __func__ objects are renumbered when the patch adds a new user before
 * them; a function whose only difference is that number is not changed.
 */
#include <kernel-lite.h>

void cdo_who(void)
{
	pr_info("%s: here\n", __func__);
}

void cdo_whoami(void)
{
	pr_info("%s: new\n", __func__);
}

int cdo_work(int x)
{
	cdo_whoami();
	return x * 9;
}
