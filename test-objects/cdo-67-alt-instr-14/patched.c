/* Alternatives in the 6.3+ layout (struct alt_instr of 14 bytes: u32
 * ft_flags), with no DWARF to say so: six entries, 84 bytes, which is also
 * 7 entries of the 12-byte layout of 6.1.  The differ must find 14. */
#include <kernel-lite.h>

int cdo_alt0(const int *table, unsigned int i, unsigned int n)
{
	if (i >= n)
		return -1;
	barrier_nospec();
	return table[i];
}

int cdo_alt1(const int *table, unsigned int i, unsigned int n)
{
	if (i >= n)
		return -2;
	barrier_nospec();
	return table[i];
}

int cdo_alt2(const int *table, unsigned int i, unsigned int n)
{
	if (i >= n)
		return -3;
	barrier_nospec();
	return table[i];
}

int cdo_alt3(const int *table, unsigned int i, unsigned int n)
{
	if (i >= n)
		return -100;
	barrier_nospec();
	return table[i];
}

int cdo_alt4(const int *table, unsigned int i, unsigned int n)
{
	if (i >= n)
		return -5;
	barrier_nospec();
	return table[i];
}

int cdo_alt5(const int *table, unsigned int i, unsigned int n)
{
	if (i >= n)
		return -6;
	barrier_nospec();
	return table[i];
}
