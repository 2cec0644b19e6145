/* Only the line of a WARN_ON moves: its __bug_table line field differs. */
#include <kernel-lite.h>



int cdo_check(int x)
{

	WARN_ON(x < 0);
	return x * 2;
}
