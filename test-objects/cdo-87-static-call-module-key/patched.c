/* The parent is a module that defines the key of a changed static call. */
#include <kernel-lite.h>

int cdo_mod_default(int x);

int cdo_mod_default(int x)
{
	return x;
}

DEFINE_STATIC_CALL(cdo_mod_call, cdo_mod_default);

int cdo_mod_caller(int x)
{
	return static_call(cdo_mod_call)(x) + 5;
}
