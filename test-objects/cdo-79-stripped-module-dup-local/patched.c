/*
 * The parent is a module (cdomod) built from two files that both have a
 * static cdo_dup: in a module, sympos follows the symbol table order.
 */
#include <kernel-lite.h>

static int cdo_dup_level = 2;

static noinline int cdo_dup(int x)
{
	return x << cdo_dup_level;
}

void cdo_dup_set(int l)
{
	cdo_dup_level = l;
}

int cdo_dup_user(int x)
{
	return cdo_dup(x) + 2;
}
