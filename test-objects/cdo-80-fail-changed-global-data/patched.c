/* An initialised global variable changes its initial value. */
#include <kernel-lite.h>

int cdo_threshold = 20;

int cdo_over(int x)
{
	return x > cdo_threshold;
}
