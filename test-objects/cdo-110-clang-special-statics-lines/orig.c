/*
 * clang names the special statics after their function: cdo_warn._entry
 * and cdo_warn._entry_ptr (printk index), cdo_warn.__already_done
 * (WARN_ONCE), cdo_init.__key (lockdep), where gcc says _entry.3,
 * __already_done.4, __key.5.  They are never correlated (a changed
 * function gets its own copy, as with gcc).  Lines move above them all and
 * cdo_init changes: cdo_warn is not changed, cdo_init has its own __key.
 */
#include <kernel-lite.h>

int cdo_warn(int x)
{
	WARN_ONCE(x > 3, "cdo: x is %d\n", x);
	pr_info("cdo: warned about %d\n", x);
	return x;
}

void cdo_init(struct mutex *m)
{
	mutex_init(m);
	might_sleep();
}
