/*
 * Two functions each own a static local "cnt".  The patch adds a third
 * function with its own "cnt" after them: gcc renumbers all of them, and
 * cdo_second's counter gets the name cdo_first's had.
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

	cnt += 20;
	return cnt;
}

int cdo_third(void)
{
	static int cnt;

	return cnt--;
}
