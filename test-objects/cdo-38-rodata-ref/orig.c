/* A changed function reads an unchanged const table of the parent. */
#include <kernel-lite.h>

static const int cdo_primes[] = { 2, 3, 5, 7, 11, 13, 17, 19 };

int cdo_nth_prime(unsigned int n)
{
	if (n >= ARRAY_SIZE(cdo_primes))
		return -1;
	return cdo_primes[n];
}
