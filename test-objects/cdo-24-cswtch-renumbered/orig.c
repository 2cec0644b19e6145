/*
 * A switch that gcc turns into a lookup table (CSWTCH.N).  The patch adds
 * another such switch before it, so the number changes, the table not.
 */
#include <kernel-lite.h>

int cdo_weight(int kind)
{
	switch (kind) {
	case 0: return 13;
	case 1: return 29;
	case 2: return 31;
	case 3: return 47;
	case 4: return 59;
	case 5: return 61;
	default: return 1;
	}
}

int cdo_other(int x)
{
	return x + 4;
}
