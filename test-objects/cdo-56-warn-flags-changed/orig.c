/*
 * WARN_ON becomes WARN_ON_ONCE on the same line: the code bytes are the
 * same, the __bug_table entry's flags field is not (BUGFLAG_ONCE).
 */
#include <kernel-lite.h>

int cdo_flagged(int x)
{
	WARN_ON(x < 0);
	return x + 1;
}
