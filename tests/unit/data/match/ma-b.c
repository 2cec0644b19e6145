/* kpatch-match test source: a second file of the same "kernel". */
#include "ma.h"

/* Same name as the static of ma-a.c, another body. */
static __attribute__((noinline, noclone)) int ma_dup(int x)
{
	return x - 5 + (ma_counter >> 2);
}

int ma_other(int x)
{
	return ma_dup(x) + ma_dup(x + 1);
}

__attribute__((noinline)) void ma_report(const char *msg, int v)
{
	ma_last = msg;
	ma_counter = v;
}

void ma_fail(void)
{
	for (;;)
		ma_counter++;
}
