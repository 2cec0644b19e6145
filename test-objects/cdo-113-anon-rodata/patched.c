/*
 * gcc's anonymous constants: a large local const array is copied from a
 * .LC constant in .rodata, reached as .rodata + offset with no symbol.  The
 * patch changes a value of cdo_fill's array and makes it longer, so
 * cdo_keep's (the same) moves further into .rodata: compared by contents,
 * cdo_fill changed and cdo_keep did not.
 */
#include <kernel-lite.h>

extern int cdo_sink(const int *p, int n);

int cdo_fill(int x)
{
	const int loc[] = { 9, 8, 70, 6, 5, 4, 3, 2, 1, 0, 11, 12, 13, 14, 15, 16, 17, 18, 19,
			    20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
			    35, 36, 37, 38, 39, 40, 41, 42, 43, 44 };

	return cdo_sink(loc, x);
}

int cdo_keep(int x)
{
	const int loc[] = { 19, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12, 13, 14, 15, 16, 17, 18, 19,
			    20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34 };

	return cdo_sink(loc, x);
}
