/*
 * A switch that gcc turns into a lookup table (CSWTCH.N).  The patch adds
 * another such switch before it, so the number changes, the table not.
 */
#include <kernel-lite.h>

int cdo_height(int kind)
{
	switch (kind) {
	case 0: return 101;
	case 1: return 307;
	case 2: return 211;
	case 3: return 503;
	case 4: return 401;
	case 5: return 601;
	default: return 7;
	}
}

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
	return x + cdo_height(x);
}
