/* A const table changes one value (.rodata); the code does not change. */
#include <kernel-lite.h>

static const int cdo_weights[] = { 2, 3, 5, 7, 11, 13 };

int cdo_weight_of(unsigned int i)
{
	return i < ARRAY_SIZE(cdo_weights) ? cdo_weights[i] : 0;
}
