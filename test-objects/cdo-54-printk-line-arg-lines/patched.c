/*
 * __LINE__ passed to _printk (in %edx, after fmt and __func__) and to
 * __warn_printk (in %esi): only the lines move.
 */
#include <kernel-lite.h>

/* cdo_where: report negative values. */
int cdo_where(int x)
{
	if (x < 0)
		pr_err("%s:%d: negative\n", __func__, __LINE__);
	return x;
}

/* cdo_warn_where: warn about big values. */
int cdo_warn_where(int x)
{
	WARN(x > 100, "cdo: line %d\n", __LINE__);
	return x;
}
