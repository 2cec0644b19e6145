/* Line numbers move in two functions, a third one really changes. */
#include <kernel-lite.h>

int cdo_guarded(int x)
{
	WARN_ON(x == 0);
	return 100 / (x ? x : 1);
}

int cdo_blocking(int x)
{
	might_sleep();
	return x + 1;
}

int cdo_real(int x)
{
	return x - 1;
}
