/* A 6.12 layout: CONFIG_CALL_PADDING's 16 bytes before each function, with
 * objtool's __pfx_ symbol over them, then endbr64 and call __fentry__. */
#include <kernel-lite.h>

int cdo_pfx(int x)
{
	return x * 102;
}

static noinline int cdo_pfx_local(int x)
{
	return x * 103;
}

int cdo_pfx_other(int x)
{
	return cdo_pfx_local(x) + 1;
}
