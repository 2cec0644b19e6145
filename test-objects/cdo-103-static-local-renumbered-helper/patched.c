/*
 * Two inline helpers, each with "static int lock" (the kernel's
 * static DEFINE_MUTEX(lock)).  The patch changes cdo_b and adds
 * cdo_b_twice, which takes cdo_b's lock too and comes first in the file:
 * the locks are renumbered, and the first function using cdo_b's lock in
 * PATCHED.o is a new one.  Matched through every function using them.
 */
#include <kernel-lite.h>

static inline void cdo_lock_a(void)
{
	static struct mutex lock;

	mutex_lock(&lock);
}

static inline void cdo_lock_b(void)
{
	static struct mutex lock;

	mutex_lock(&lock);
}

int cdo_b_twice(int x)
{
	cdo_lock_b();
	cdo_lock_b();
	return x;
}

int cdo_a(int x)
{
	cdo_lock_a();
	return x + 1;
}

int cdo_b(int x)
{
	cdo_lock_b();
	return x + 3;
}
