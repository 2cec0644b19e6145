/*
 * The parent is a module with a pr_debug(): the changed function's jump
 * label uses the key of its dynamic-debug descriptor, a static of the module.
 */
#include <kernel-lite.h>

struct ddebug_lite {
	const char *format;
	struct static_key key;
};

static struct ddebug_lite __UNIQUE_ID_ddebug12 __attribute__((used, section("__dyndbg"))) =
	{ "cdo: %d\n", STATIC_KEY_INIT_FALSE };

noinline void cdo_dbg_print(int x)
{
	asm volatile("" : : "r" (x));
}

int cdo_debugged(int x)
{
	if (arch_static_branch(&__UNIQUE_ID_ddebug12.key, false))
		cdo_dbg_print(x);
	return x * 3;
}
