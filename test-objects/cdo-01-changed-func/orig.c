/* A function whose body changes; its neighbour does not. */
#include <kernel-lite.h>

int cdo_add(int a, int b)
{
	return a + b;
}

int cdo_triple(int x)
{
	return x * 3;
}
