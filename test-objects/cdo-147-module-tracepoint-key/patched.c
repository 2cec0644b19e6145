/*
 * The parent is a module with a tracepoint: the changed function's jump
 * label uses the tracepoint's key, which lives in the module.
 */
#include <kernel-lite.h>

struct tracepoint_lite {
	const char *name;
	struct static_key key;
};

struct tracepoint_lite __tracepoint_cdo_ev = { "cdo_ev", STATIC_KEY_INIT_FALSE };

noinline void cdo_trace_ev(int x)
{
	asm volatile("" : : "r" (x));
}

int cdo_traced(int x)
{
	if (arch_static_branch(&__tracepoint_cdo_ev.key, false))
		cdo_trace_ev(x);
	return x + 2;
}
