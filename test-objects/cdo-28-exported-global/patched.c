/* References to exported symbols stay undefined symbols. */
#include <kernel-lite.h>

void *cdo_alloc_stamp(size_t n)
{
	unsigned long *p = kmalloc(n + sizeof(long), GFP_KERNEL);

	if (!p)
		return NULL;
	*p = jiffies + 1;
	if (n > 4096) {
		kfree(p);
		return NULL;
	}
	return p;
}
