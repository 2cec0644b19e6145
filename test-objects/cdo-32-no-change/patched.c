/* Nothing changes. */
#include <kernel-lite.h>

static int cdo_seen;

int cdo_noop(int x)
{
	WARN_ON(x == 42);
	cdo_seen++;
	pr_info("cdo: noop %d\n", x);
	return x;
}
