/* A static call through a vmlinux key; objtool-lite records the sites. */
#include <kernel-lite.h>

int cdo_default_hook(int x);

int cdo_default_hook(int x)
{
	return x;
}

DEFINE_STATIC_CALL(cdo_hook, cdo_default_hook);

int cdo_run_hook(int x)
{
	return static_call(cdo_hook)(x) + 1;
}

int cdo_run_hook_twice(int x)
{
	return static_call(cdo_hook)(static_call(cdo_hook)(x));
}
