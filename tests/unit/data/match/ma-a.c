/*
 * kpatch-match test source (tests/unit/run-match.sh compiles it at test
 * time).  The macros make the variants of a "target kernel" built from a
 * slightly different source:
 *   MA_SCALE=N     one constant of ma_scale changes (same size)
 *   MA_EXTRA       ma_total grows by one statement (size differs)
 *   MA_COLD_ADD=N  only the .cold part of ma_check changes
 *   MA_DROP        ma_gone does not exist
 */
#include "ma.h"

#ifndef MA_SCALE
#define MA_SCALE 3
#endif
#ifndef MA_COLD_ADD
#define MA_COLD_ADD 0
#endif

int ma_counter;
const char *ma_last;

/* A static of the same name is in ma-b.c: sympos 1 and 2. */
static __attribute__((noinline, noclone)) int ma_dup(int x)
{
	return x * 7 + ma_counter;
}

int ma_scale(int x)
{
	ma_counter++;
	return x * MA_SCALE + ma_dup(x);
}

/* The unlikely path goes to ma_check.cold. */
int ma_check(int x)
{
	if (__builtin_expect(x < 0, 0)) {
		ma_report("ma_check: negative", x + MA_COLD_ADD);
		ma_fail();
	}
	return ma_scale(x) + ma_total(x);
}

int ma_total(int x)
{
	int sum = ma_counter;

	for (int i = 0; i < x; i++)
		sum += i ^ ma_counter;
#ifdef MA_EXTRA
	ma_last = "extra";
#endif
	return sum;
}

#ifndef MA_DROP
int ma_gone(int x)
{
	ma_last = "gone";
	return x + ma_dup(x);
}
#endif
