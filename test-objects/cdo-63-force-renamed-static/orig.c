/*
 * The patch renames a changed function's static local (and changes the
 * function): the running kernel's counter cannot be matched to the new one,
 * so its state would be lost — and the author says that is fine.
 */
#include <kernel-lite.h>
#include "kpatch-macros.h"

int cdo_tick(void)
{
	static int hits;

	hits++;
	return hits;
}
