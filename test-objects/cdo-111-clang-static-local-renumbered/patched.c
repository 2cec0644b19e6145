/*
 * clang names a static local after its function (cdo_g.k) and numbers a
 * name that is taken with a counter of the whole module: cdo_g's "static
 * const int k" is folded away but took cdo_g.k, so its counter is
 * cdo_g.k.2, and cdo_f's second v is cdo_f.v.1.  The patch adds cdo_e, with
 * two statics of one name, above them: cdo_f.v.1 -> cdo_f.v.2 and
 * cdo_g.k.2 -> cdo_g.k.3.  cdo_g changes and keeps the running kernel's
 * counter; cdo_f does not change.
 */
#include <kernel-lite.h>

extern void cdo_sink(int *p);

void cdo_e(int x)
{
	if (x) {
		static int w;

		cdo_sink(&w);
	} else {
		static int w;

		cdo_sink(&w);
	}
}

int cdo_f(int x)
{
	if (x) {
		static int v;

		cdo_sink(&v);
	} else {
		static int v;

		cdo_sink(&v);
	}
	return 0;
}

int cdo_g(int x)
{
	static const int k = 3;

	{
		static int k;

		cdo_sink(&k);
	}
	return k + x * 2;
}
