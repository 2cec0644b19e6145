/* As cdo-41, built with -g: debug sections must not make a difference. */
#include <kernel-lite.h>

/* cdo_guarded: warns on zero. */
int cdo_guarded(int x)
{
	WARN_ON(x == 0);
	return 100 / (x ? x : 1);
}

/* cdo_blocking: may sleep. */
int cdo_blocking(int x)
{
	might_sleep();
	return x + 1;
}

int cdo_real(int x)
{
	return x - 2;
}
