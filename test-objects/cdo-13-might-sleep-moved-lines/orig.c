/* might_sleep()/might_fault() move by lines: only their immediate differs. */
#include <kernel-lite.h>

int cdo_sleepy(int x)
{
	might_sleep();
	return x + 5;
}

int cdo_faulty(int *p)
{
	might_fault();
	return *p;
}
