/*
 * WARN_ONCE/pr_warn_once make "static bool __already_done" (.data.once):
 * never correlated; a changed function gets a fresh copy.
 */
#include <kernel-lite.h>

int cdo_once_a(int x)
{
	WARN_ONCE(x > 10, "cdo: x=%d too big\n", x);
	return x;
}

int cdo_once_b(int x)
{
	if (x < 0)
		pr_warn_once("cdo: negative\n");
	return -x;
}
