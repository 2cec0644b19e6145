/*
 * Two functions each own a static local "cnt".  The patch adds a third
 * function, before them, with its own "cnt": gcc renumbers all of them.
 */
#include <kernel-lite.h>

int cdo_first(void)
{
	static int cnt;

	return ++cnt;
}

int cdo_second(void)
{
	static int cnt;

	cnt += 10;
	return cnt;
}
