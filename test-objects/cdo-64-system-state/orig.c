/* KPATCH_SYSTEM_STATE: the patch declares klp_state id 42 version 2. */
#include <kernel-lite.h>
#include "kpatch-macros.h"

int cdo_limit(void)
{
	return 100;
}
