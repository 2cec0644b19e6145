/* A global const table changes one value: other objects may read it. */
#include <kernel-lite.h>

const int cdo_weights[] = { 2, 3, 5, 7, 11, 17 };

int cdo_weight_of(unsigned int i)
{
	return i < ARRAY_SIZE(cdo_weights) ? cdo_weights[i] : 0;
}
