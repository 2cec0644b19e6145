/* Lock prefixes listed in .smp_locks. */
#include <kernel-lite.h>

atomic_t cdo_refs;

void cdo_get(void)
{
	atomic_inc(&cdo_refs);
}

void cdo_put(void)
{
	atomic_dec(&cdo_refs);
}

int cdo_get_many(int n)
{
	return atomic_add_return(n + 1, &cdo_refs);
}
