/* Callbacks: pre-patch and post-unpatch records for the patch module. */
#include <kernel-lite.h>
#include "kpatch-macros.h"

int cdo_feature(int x)
{
	return x + 10;
}
