/*
 * A static function whose name another file of vmlinux also uses: the
 * livepatch relocation needs its position (sympos) among the two.
 */
#include <kernel-lite.h>

static unsigned long cdo_table_size = 16;

static noinline int cdo_lookup(int key)
{
	return (key * 2654435761u) % cdo_table_size;
}

void cdo_set_table_size(unsigned long n)
{
	cdo_table_size = n;
}

int cdo_find(int key)
{
	return cdo_lookup(key) + 1;
}
