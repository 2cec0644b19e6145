/* The parent is a module (cdomod): locals and non-exported globals of the
 * module are klp relocations against "cdomod"; exports stay undefined. */
#include <kernel-lite.h>

extern int cdo_lib_compute(int x);

static int cdo_mod_state;

static noinline int cdo_mod_helper(int x)
{
	return x + cdo_mod_state;
}

int cdo_mod_entry(int x)
{
	return cdo_mod_helper(x) * cdo_lib_compute(x);
}
