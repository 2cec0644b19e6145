/*
 * A static local that the patch moves into an unlikely() block: gcc
 * references it from cdo_check.cold, not cdo_check, in PATCHED.o.
 * cdo_peek has a static of the same name, and the patch adds a third.
 */
#include <kernel-lite.h>

extern int cdo_weigh(int x);

int cdo_peek(int x)
{
	static int errors;

	return errors += x;
}

int cdo_check(int x)
{
	static int errors;
	int err = cdo_weigh(x);

	errors += err != 0;
	if (unlikely(err)) {
		pr_err("cdo: bad value %d: %d\n", x, err);
		return err;
	}
	return x * 3;
}
