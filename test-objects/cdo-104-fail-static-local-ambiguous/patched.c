/*
 * Two statics of one name in one function (two printk_ratelimited() in a
 * function give two "static struct ratelimit_state _rs"), and the patch
 * adds a third: which of the three holds the state of which original
 * cannot be told from the objects.  Refused, naming the candidates.
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
	if (x == 0)
		r += cdo_ratelimited(1);
	return r;
}
