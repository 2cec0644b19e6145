/* A static function always called with the same constant: foo.constprop.N. */
#include <kernel-lite.h>

extern int cdo_sink(int x);

static noinline int cdo_mix(int x, int salt)
{
	return cdo_sink(x * salt) + salt;
}

int cdo_mix_a(int x)
{
	return cdo_mix(x, 0x1234);
}

int cdo_mix_b(int x)
{
	return cdo_mix(x + 1, 0x1234);
}
