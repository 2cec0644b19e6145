/* pr_info() with CONFIG_PRINTK_INDEX: a pi_entry per call site. */
#include <kernel-lite.h>

void cdo_report(int x)
{
	pr_info("cdo: the value is now %d\n", x);
}

void cdo_complain(int x)
{
	pr_err("cdo: bad value %d\n", x);
}
