/* KPATCH_IGNORE_SECTION: changes in a named section do not matter. */
#include <kernel-lite.h>
#include "kpatch-macros.h"

__attribute__((section(".text.cdo_debug_only"))) int cdo_debug(int x)
{
	return x ^ 5;
}

int cdo_main_path(int x)
{
	return x - 1;
}
