/* Only a string literal changes: same code, different target. */
#include <kernel-lite.h>

const char *cdo_mode_name(int mode)
{
	return mode ? "boost" : "normal";
}

const char *cdo_unit_name(void)
{
	return "normal";
}
