/*
 * clang's anonymous constants: a local const array's initialiser goes to
 * .rodata..L__const.<fn>.<var> and a switch turned into a lookup table to
 * .rodata..Lswitch.table.<fn>, with no symbol: only the section symbol
 * points there.  Compared by contents: cdo_pick's table and cdo_fill's
 * array change (the code does not); cdo_keep's array is the same.
 */
#include <kernel-lite.h>

extern int cdo_sink(const int *p, int n);

int cdo_fill(int x)
{
	const int loc[] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12, 13, 14, 15, 16 };

	return cdo_sink(loc, x);
}

int cdo_keep(int x)
{
	const int loc[] = { 19, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12, 13, 14, 15, 16 };

	return cdo_sink(loc, x);
}

int cdo_pick(int x)
{
	switch (x) {
	case 0: return 11;
	case 1: return 23;
	case 2: return 37;
	case 3: return 41;
	case 4: return 53;
	case 5: return 67;
	case 6: return 71;
	case 7: return 89;
	case 8: return 97;
	case 9: return 101;
	case 10: return 103;
	case 11: return 107;
	}
	return 0;
}
