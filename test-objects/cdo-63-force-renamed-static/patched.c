/*
 * The patch renames a changed function's static local (and changes the
 * function): the running kernel's counter cannot be matched to the new one,
 * so its state would silently be lost.
 */
#include <kernel-lite.h>
#include "kpatch-macros.h"

int cdo_tick(void)
{
	static int ticks;

	ticks += 2;
	return ticks;
}
KPATCH_FORCE_UNSAFE(cdo_tick);
