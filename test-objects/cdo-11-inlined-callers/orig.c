/* An inline helper changes: every function it was inlined into changes. */
#include <kernel-lite.h>

static inline int cdo_clamp(int x)
{
	return x > 100 ? 100 : x;
}

int cdo_user_a(int x)
{
	return cdo_clamp(x) + 1;
}

int cdo_user_b(int x, int y)
{
	return cdo_clamp(x) * cdo_clamp(y);
}

int cdo_bystander(int x)
{
	return x - 1;
}
