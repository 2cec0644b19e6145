/* Only a comment changes (same number of lines). */
#include <kernel-lite.h>

int cdo_commented(int x)
{
	/* multiply by two, as before */
	return x * 2;
}
