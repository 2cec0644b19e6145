/* Only the .cold part of a function changes: the function is changed. */
#include <kernel-lite.h>

extern void cdo_dump(int x);

int cdo_check_range(int x)
{
	if (unlikely(x < 0 || x > 1000)) {
		pr_err("cdo: %d out of range\n", x);
		cdo_dump(x);
		cdo_dump(x + 1);
		return -EINVAL;
	}
	return x / 7;
}
