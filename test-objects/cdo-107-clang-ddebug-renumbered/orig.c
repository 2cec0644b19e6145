/*
 * clang: dynamic debug descriptors are named after their function
 * (cdo_dbg.__UNIQUE_ID_ddebug0; gcc says __UNIQUE_ID_ddebug0.1).  A new
 * function with a pr_debug() above them takes the first number: the other
 * descriptors are renumbered (cdo_dbg.__UNIQUE_ID_ddebug0 -> ..ddebug1) and
 * their lines move.  Only the new function is new; nothing else changed.
 */
#include <kernel-lite.h>

struct _ddebug {
	const char *modname, *function, *filename, *format;
	unsigned int lineno:18;
	unsigned int class_id:6;
	unsigned int flags:8;
} __attribute__((aligned(8)));

extern void __dynamic_pr_debug(struct _ddebug *d, const char *fmt, ...);

/* As the kernel's DEFINE_DYNAMIC_DEBUG_METADATA and _dynamic_func_call. */
#define __cdo_pr_debug(id, fmt, ...) do {					\
	static struct _ddebug __attribute__((section("__dyndbg"), aligned(8)))	\
		id = { "cdo", __func__, __FILE__, fmt, __LINE__, 0, 0 };	\
	if (id.flags & 1)							\
		__dynamic_pr_debug(&id, fmt, ##__VA_ARGS__);			\
} while (0)
#define cdo_pr_debug(fmt, ...) __cdo_pr_debug(__UNIQUE_ID(ddebug), fmt, ##__VA_ARGS__)

int cdo_dbg(int x)
{
	cdo_pr_debug("cdo: x=%d\n", x);
	return x * 2;
}

int cdo_dbg2(int x)
{
	cdo_pr_debug("cdo: y=%d\n", x);
	return x * 3;
}
