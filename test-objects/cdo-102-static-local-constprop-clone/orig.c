/*
 * The owner of a static local becomes a clone: once every caller passes
 * the same factor, gcc makes cdo_scale.constprop.0, and the static is
 * referenced from there.  cdo_total has a static of the same name.
 */
#include <kernel-lite.h>

extern int cdo_weigh(int x);

int cdo_total(int x)
{
	static int hits;

	return hits += x;
}

static noinline int cdo_scale(int v, int factor)
{
	static int hits;

	hits++;
	return cdo_weigh(v) * factor + hits;
}

int cdo_scale_a(int v)
{
	return cdo_scale(v, 3);
}

int cdo_scale_b(int v)
{
	return cdo_scale(v, 5);
}
