/* Only a comment changes (same number of lines). */
#include <kernel-lite.h>

int cdo_commented(int x)
{
	/* double it */
	return x * 2;
}
