/* cond_resched() calls __might_resched(__FILE__, __LINE__, 0). */
#include <kernel-lite.h>

void cdo_loop(int *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		v[i] += i;
		cond_resched();
	}
}
