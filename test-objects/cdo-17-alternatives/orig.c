/* Alternatives: an lfence patched in on some CPUs, with a replacement. */
#include <kernel-lite.h>

int cdo_index(const int *table, unsigned int i, unsigned int n)
{
	if (i >= n)
		return -1;
	barrier_nospec();
	return table[i];
}

int cdo_index2(const int *table, unsigned int i, unsigned int n)
{
	if (i >= n)
		return -2;
	barrier_nospec();
	return table[i];
}
