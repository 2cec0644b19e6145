/* A function with an unlikely error path that gcc moves to foo.cold. */
#include <kernel-lite.h>

int cdo_parse(const char *s, int len)
{
	int i, sum = 0;

	if (unlikely(!s || len <= 0)) {
		pr_err("cdo_parse: bad input %p %d\n", s, len);
		panic("cdo: cannot go on");
	}
	for (i = 0; i < len; i++)
		sum = sum * 31 + s[i];
	return sum;
}
