/*
 * Two statics of one name in one function that the patch does not touch:
 * the patch adds a static elsewhere, so they are renumbered.  Paired by the
 * place each is used in the unchanged code: no change in cdo_events.
 */
#include <kernel-lite.h>

struct cdo_ratelimit {
	int burst;		/* messages left in this interval */
	unsigned long begin;	/* jiffies when the interval began */
};

extern int cdo_weigh(int x);

#define cdo_ratelimited(x) ({						\
	static struct cdo_ratelimit _rs = { .burst = 10 };		\
	int __ok = _rs.burst > 0;					\
	if (__ok)							\
		_rs.burst--;						\
	else								\
		_rs.begin = jiffies;					\
	__ok && cdo_weigh(x);						\
})

int cdo_events(int x)
{
	int r = 0;

	if (x > 10)
		r += cdo_ratelimited(x);
	if (x < -10)
		r += cdo_ratelimited(-x);
	return r;
}

int cdo_events_seen(void)
{
	static int _rs;

	return ++_rs;
}
